package docx

import (
	"fmt"
	"strings"
)

// stylesXML holds the paragraph layout of each block kind. The character formatting is
// in docDefaults and in every style too, but the writer also repeats it on every run,
// since WPS and older Word versions do not always resolve style inheritance for
// East-Asian fonts.
func stylesXML(lang string) string {
	var b strings.Builder
	b.WriteString(xmlHeader)
	b.WriteString(`<w:styles ` + nsW + `>`)
	b.WriteString(`<w:docDefaults><w:rPrDefault>`)
	runProps{lang: lang, halfPoints: bodyHalfPoints, face: faceBody}.write(&b)
	b.WriteString(`</w:rPrDefault><w:pPrDefault><w:pPr>`)
	// No widow/orphan control: every full page holds its 22 lines, as official
	// documents do (and Word and LibreOffice then break pages at the same line).
	b.WriteString(`<w:widowControl w:val="0"/>`)
	b.WriteString(exactSpacing)
	b.WriteString(`</w:pPr></w:pPrDefault></w:docDefaults>`)

	indent := fmt.Sprintf(`<w:ind w:firstLineChars="200" w:firstLine="%d"/>`, bodyIndent)
	// Signature and date: right-aligned, two characters from the right edge (§7.3.5.2).
	rightAligned := fmt.Sprintf(`<w:ind w:firstLineChars="0" w:firstLine="0" w:rightChars="200" w:right="%d"/><w:jc w:val="right"/>`, bodyIndent)
	style(&b, lang, styleDef{id: styleNormal, name: "Normal", isDefault: true,
		ppr: exactSpacing + indent + `<w:jc w:val="both"/>`, face: faceBody, hp: bodyHalfPoints})
	style(&b, lang, styleDef{id: styleTitle, name: "Title", basedOn: styleNormal, next: styleNormal,
		ppr:  exactSpacing + `<w:ind w:firstLineChars="0" w:firstLine="0"/><w:jc w:val="center"/><w:outlineLvl w:val="0"/>`,
		face: faceTitle, hp: titleHalfPoints})
	style(&b, lang, styleDef{id: styleSubtitle, name: "Subtitle", basedOn: styleNormal, next: styleNormal,
		ppr:  exactSpacing + `<w:ind w:firstLineChars="0" w:firstLine="0"/><w:jc w:val="center"/>`,
		face: faceKai, hp: bodyHalfPoints})
	style(&b, lang, styleDef{id: styleHeading1, name: "heading 1", basedOn: styleNormal, next: styleNormal,
		ppr: `<w:keepNext/>` + exactSpacing + indent + `<w:outlineLvl w:val="1"/>`, face: faceHeading, hp: bodyHalfPoints})
	style(&b, lang, styleDef{id: styleHeading2, name: "heading 2", basedOn: styleNormal, next: styleNormal,
		ppr: `<w:keepNext/>` + exactSpacing + indent + `<w:outlineLvl w:val="2"/>`, face: faceKai, hp: bodyHalfPoints})
	style(&b, lang, styleDef{id: styleSignature, name: "Signature", basedOn: styleNormal, next: styleDate,
		ppr:  `<w:keepNext/>` + exactSpacing + rightAligned,
		face: faceBody, hp: bodyHalfPoints})
	style(&b, lang, styleDef{id: styleDate, name: "Date", basedOn: styleNormal, next: styleNormal,
		ppr:  exactSpacing + rightAligned,
		face: faceBody, hp: bodyHalfPoints})
	style(&b, lang, styleDef{id: styleFooter, name: "footer", basedOn: styleNormal,
		ppr:  `<w:snapToGrid w:val="0"/><w:spacing w:before="0" w:after="0" w:line="240" w:lineRule="auto"/><w:ind w:firstLineChars="0" w:firstLine="0"/>`,
		face: faceNumber, hp: pageNumberHalfPoints})
	b.WriteString(`</w:styles>`)
	return b.String()
}

// exactSpacing is the fixed line spacing of every text paragraph: one grid line,
// nothing before or after, so 22 lines fill the text area exactly.
var exactSpacing = `<w:snapToGrid w:val="0"/>` + fmt.Sprintf(`<w:spacing w:before="0" w:after="0" w:line="%d" w:lineRule="exact"/>`, linePitch)

type styleDef struct {
	id, name, basedOn, next string
	isDefault               bool
	ppr                     string
	face                    string
	hp                      int
}

func style(b *strings.Builder, lang string, s styleDef) {
	b.WriteString(`<w:style w:type="paragraph" w:styleId="` + s.id + `"`)
	if s.isDefault {
		b.WriteString(` w:default="1"`)
	}
	b.WriteString(`><w:name w:val="` + s.name + `"/>`)
	if s.basedOn != "" {
		b.WriteString(`<w:basedOn w:val="` + s.basedOn + `"/>`)
	}
	if s.next != "" {
		b.WriteString(`<w:next w:val="` + s.next + `"/>`)
	}
	b.WriteString(`<w:qFormat/><w:pPr>` + s.ppr + `</w:pPr>`)
	runProps{lang: lang, halfPoints: s.hp, face: s.face}.write(b)
	b.WriteString(`</w:style>`)
}

func settingsXML(lang string) string {
	var b strings.Builder
	b.WriteString(xmlHeader)
	b.WriteString(`<w:settings ` + nsW + `>`)
	b.WriteString(`<w:zoom w:percent="100"/>`)
	fmt.Fprintf(&b, `<w:defaultTabStop w:val="%d"/>`, bodyIndent)
	// Odd pages take footer1 (number on the right), even pages footer2 (on the left).
	b.WriteString(`<w:evenAndOddHeaders/>`)
	b.WriteString(`<w:characterSpacingControl w:val="doNotCompress"/>`)
	b.WriteString(`<w:compat><w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="15"/></w:compat>`)
	b.WriteString(`<w:themeFontLang w:val="en-US" w:eastAsia="` + esc(lang) + `"/>`)
	b.WriteString(`<w:decimalSymbol w:val="."/><w:listSeparator w:val=","/>`)
	b.WriteString(`</w:settings>`)
	return b.String()
}

// fontTableXML declares the faces with the GB2312 character set and, for the
// *_GB2312 faces that Windows 10 and later no longer ship, the usual substitute as
// w:altName (仿宋, 楷体), so Word picks a Chinese face rather than a Western fallback.
var fontTableXML = func() string {
	var b strings.Builder
	b.WriteString(xmlHeader)
	b.WriteString(`<w:fonts ` + nsW + `>`)
	for _, f := range []struct{ name, alt, family string }{
		{faceBody, "仿宋", "modern"},
		{faceKai, "楷体", "modern"},
		{faceHeading, "SimHei", "modern"},
		{faceNumber, "SimSun", "auto"},
		{faceTitle, "宋体", "auto"},
	} {
		b.WriteString(`<w:font w:name="` + f.name + `"><w:altName w:val="` + f.alt + `"/><w:charset w:val="86"/><w:family w:val="` + f.family + `"/><w:pitch w:val="fixed"/></w:font>`)
	}
	b.WriteString(`</w:fonts>`)
	return b.String()
}()
