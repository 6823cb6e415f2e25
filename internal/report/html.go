package report

import (
	"bytes"
	"html/template"
)

// htmlPage is a standalone page: no script, no outside resource. Every figure
// is a link to its records with the query as its tooltip.
var htmlPage = template.Must(template.New("report").Parse(`<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Doc.Title}}</title>
<style>
body{margin:0;background:#f0f2f5;color:#000}
main{max-width:210mm;margin:16px auto;background:#fff;padding:37mm 26mm 35mm 28mm;box-sizing:border-box;
 font-family:"FangSong_GB2312","FangSong","仿宋",serif;font-size:16pt;line-height:28.9pt}
h1{font-family:"FZXiaoBiaoSong-B05S","方正小标宋简体","SimSun",serif;font-size:22pt;font-weight:normal;text-align:center;line-height:1.4;margin:0 0 28.9pt}
.subtitle{text-align:center;font-family:"KaiTi_GB2312","KaiTi",serif}
h2{font-family:"SimHei","黑体",sans-serif;font-size:16pt;font-weight:normal;margin:0;text-indent:2em}
h3{font-family:"KaiTi_GB2312","KaiTi","楷体",serif;font-size:16pt;font-weight:normal;margin:0;text-indent:2em}
p{margin:0;text-indent:2em;text-align:justify}
p.signature{text-align:right;text-indent:0;padding-right:2em}
p.signature.first{margin-top:28.9pt}
p.reminder{color:#c00}
a.figure{color:inherit;text-decoration:underline dotted}
@media print{body{background:#fff}main{margin:0;padding:0}a.figure{text-decoration:none}}
</style>
</head>
<body>
<main>
{{- range $i, $b := .Blocks}}
{{- if eq $b.Kind "title"}}
<h1>{{template "spans" $b}}</h1>
{{- else if eq $b.Kind "subtitle"}}
<p class="subtitle">{{template "spans" $b}}</p>
{{- else if eq $b.Kind "heading1"}}
<h2>{{template "spans" $b}}</h2>
{{- else if eq $b.Kind "heading2"}}
<h3>{{template "spans" $b}}</h3>
{{- else if eq $b.Kind "signature"}}
<p class="signature{{if $b.First}} first{{end}}">{{template "spans" $b}}</p>
{{- else}}
<p{{if $b.Reminder}} class="reminder"{{end}}>{{template "spans" $b}}</p>
{{- end}}
{{- end}}
</main>
</body>
</html>
{{define "spans"}}{{range .Spans}}{{if .Fig}}{{if .Fig.Records}}<a class="figure" href="{{.Fig.Records}}" title="{{.Fig.Expr}} — {{.Fig.Query}}" data-figure="{{.Fig.Index}}">{{.Text}}</a>{{else}}<span class="figure" title="{{.Fig.Expr}} — {{.Fig.Query}}" data-figure="{{.Fig.Index}}">{{.Text}}</span>{{end}}{{else}}{{.Text}}{{end}}{{end}}{{end}}
`))

type htmlSpan struct {
	Text string
	Fig  *Figure
}

type htmlBlock struct {
	Kind     string
	Spans    []htmlSpan
	Reminder bool
	First    bool // the first signature line (a blank line above it)
}

// HTML writes the report as a standalone HTML page. base prefixes the
// figures' records links (e.g. "https://zeren.example" when the page is
// saved and opened outside the app; "" keeps them relative).
func HTML(d Document, base string) ([]byte, error) {
	blocks := make([]htmlBlock, 0, len(d.Blocks))
	figs := make([]Figure, len(d.Figures))
	copy(figs, d.Figures)
	for i := range figs {
		if figs[i].Records != "" {
			figs[i].Records = base + figs[i].Records
		}
	}
	prevSig := false
	for _, b := range d.Blocks {
		hb := htmlBlock{Kind: b.Kind, Reminder: b.Reminder, First: b.Kind == "signature" && !prevSig}
		prevSig = b.Kind == "signature"
		for _, sp := range b.Spans {
			s := htmlSpan{Text: sp.Text}
			if sp.Figure != nil && *sp.Figure >= 0 && *sp.Figure < len(figs) {
				s.Fig = &figs[*sp.Figure]
			}
			hb.Spans = append(hb.Spans, s)
		}
		blocks = append(blocks, hb)
	}
	var buf bytes.Buffer
	err := htmlPage.Execute(&buf, struct {
		Doc    Document
		Blocks []htmlBlock
	}{d, blocks})
	return buf.Bytes(), err
}
