package deliver

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// defaultRobotTimeout bounds one webhook call when the caller's client has
// no timeout of its own: a receiver that hangs must not hold a job worker.
const defaultRobotTimeout = 15 * time.Second

// maxReply is how much of a webhook's answer is read: the JSON status is a
// few dozen bytes; anything longer is not a robot answering.
const maxReply = 64 << 10

// The platforms cap a message's size (WeCom: 4096 bytes of markdown content;
// DingTalk and Feishu: 20 000 bytes of request). The body is cut at a
// character boundary so that title, body and link together stay under these
// (DingTalk's and Feishu's leave room for the JSON around them).
var bodyLimit = map[string]int{"dingtalk": 18000, "wecom": 4096, "feishu": 18000}

// budget is what is left of the platform's limit for the body once the fixed
// parts of the message are counted.
func budget(kind string, fixed ...string) int {
	n := bodyLimit[kind]
	for _, f := range fixed {
		n -= len(f)
	}
	return max(n, 0)
}

type robotChannel struct {
	kind    string
	webhook *url.URL
	secret  string
	client  *http.Client
	now     func() time.Time
}

// NewRobot returns a channel that posts to one group robot. The webhook must
// be https (plain http is accepted only for a loopback host, which is what
// tests use); DingTalk's must carry its access_token and WeCom's its key.
// client may be nil (a client with a 15 s timeout is used); now is the App's
// clock, which stamps the signatures.
func NewRobot(r Robot, client *http.Client, now func() time.Time) (Channel, error) {
	kind := r.Kind
	if _, ok := bodyLimit[kind]; !ok {
		return nil, permanent(kindOr(kind), fmt.Errorf("kind: %q is not dingtalk, wecom or feishu", r.Kind))
	}
	if now == nil {
		return nil, permanent(kind, errors.New("clock: nil"))
	}
	u, err := url.Parse(strings.TrimSpace(r.Webhook))
	if err != nil {
		return nil, permanent(kind, fmt.Errorf("webhook: %v", err))
	}
	switch {
	case u.Host == "":
		return nil, permanent(kind, errors.New("webhook: not an absolute URL"))
	case u.Scheme == "https":
	case u.Scheme == "http" && isLoopback(u.Hostname()):
	default:
		return nil, permanent(kind, fmt.Errorf("webhook: scheme %q: https required", u.Scheme))
	}
	if u.User != nil || u.Fragment != "" {
		return nil, permanent(kind, errors.New("webhook: user info or fragment not allowed"))
	}
	q := u.Query()
	switch kind {
	case "dingtalk":
		if q.Get("access_token") == "" {
			return nil, permanent(kind, errors.New("webhook: no access_token parameter"))
		}
	case "wecom":
		if q.Get("key") == "" {
			return nil, permanent(kind, errors.New("webhook: no key parameter"))
		}
		if r.Secret != "" {
			// WeCom group robots are authenticated by the key in the URL
			// alone; a secret here is a misunderstanding worth telling.
			return nil, permanent(kind, errors.New("secret: WeCom group robots are not signed"))
		}
	case "feishu":
		if !strings.Contains(u.Path, "/hook/") {
			return nil, permanent(kind, errors.New("webhook: path has no /hook/ token"))
		}
	}
	if client == nil {
		client = &http.Client{Timeout: defaultRobotTimeout}
	}
	return &robotChannel{kind: kind, webhook: u, secret: r.Secret, client: client, now: now}, nil
}

func kindOr(kind string) string {
	if kind == "" {
		return "robot"
	}
	return kind
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func (c *robotChannel) Send(ctx context.Context, m Message) error {
	if strings.ContainsAny(m.Subject, "\r\n") {
		return permanent(c.kind, errors.New("subject: more than one line"))
	}
	target := *c.webhook
	var body any
	switch c.kind {
	case "dingtalk":
		if c.secret != "" {
			ts := strconv.FormatInt(c.now().UnixMilli(), 10)
			q := target.Query()
			q.Set("timestamp", ts)
			q.Set("sign", dingtalkSign(ts, c.secret))
			target.RawQuery = q.Encode()
		}
		body = dingtalkBody(m)
	case "wecom":
		body = wecomBody(m)
	case "feishu":
		fb := feishuBody(m)
		if c.secret != "" {
			fb.Timestamp = strconv.FormatInt(c.now().Unix(), 10)
			fb.Sign = feishuSign(fb.Timestamp, c.secret)
		}
		body = fb
	}
	payload, err := json.Marshal(body)
	if err != nil {
		return permanent(c.kind, err)
	}
	if _, ok := ctx.Deadline(); !ok && c.client.Timeout == 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, defaultRobotTimeout)
		defer cancel()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target.String(), bytes.NewReader(payload))
	if err != nil {
		return permanent(c.kind, err)
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	resp, err := c.client.Do(req)
	if err != nil {
		// A refused connection, a timeout, a reset: the receiver may be back
		// on the next try. (The error text is the URL's host and the cause;
		// url.Error would print the token, so it is unwrapped.)
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return temporary(c.kind, err)
	}
	defer func() { _ = resp.Body.Close() }()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxReply))
	if err != nil {
		return temporary(c.kind, fmt.Errorf("reading the answer: %w", err))
	}
	return c.verdict(resp.StatusCode, raw)
}

// DingTalk 加签: the string to sign is timestamp+"\n"+secret, HMAC-SHA256
// keyed by the secret, base64; the caller URL-encodes it as a query value.
func dingtalkSign(ts, secret string) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(ts + "\n" + secret))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// Feishu 签名校验: timestamp+"\n"+secret is the HMAC-SHA256 KEY, the
// message is empty; base64. (The same ingredients as DingTalk's, used the
// other way round — a mix-up that fails with code 19021.)
func feishuSign(ts, secret string) string {
	mac := hmac.New(sha256.New, []byte(ts+"\n"+secret))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

type dingtalkMarkdown struct {
	MsgType  string `json:"msgtype"`
	Markdown struct {
		Title string `json:"title"`
		Text  string `json:"text"`
	} `json:"markdown"`
}

func dingtalkBody(m Message) dingtalkMarkdown {
	var b dingtalkMarkdown
	b.MsgType = "markdown"
	b.Markdown.Title = m.Subject
	head := "#### " + m.Subject + "\n\n"
	tail := ""
	if m.Link != "" {
		tail = "\n\n[查看详情](" + m.Link + ")"
	}
	// DingTalk's markdown joins single newlines; a blank line keeps them
	// (which doubles them: the budget counts that).
	body := strings.ReplaceAll(m.Body, "\n", "\n\n")
	b.Markdown.Text = head + cut(body, budget("dingtalk", m.Subject, head, tail)) + tail
	return b
}

type wecomMarkdown struct {
	MsgType  string `json:"msgtype"`
	Markdown struct {
		Content string `json:"content"`
	} `json:"markdown"`
}

func wecomBody(m Message) wecomMarkdown {
	var b wecomMarkdown
	b.MsgType = "markdown"
	head := "**" + m.Subject + "**\n"
	tail := ""
	if m.Link != "" {
		tail = "\n[查看详情](" + m.Link + ")"
	}
	b.Markdown.Content = head + cut(m.Body, budget("wecom", head, tail)) + tail
	return b
}

type feishuElement struct {
	Tag  string `json:"tag"`
	Text string `json:"text"`
	Href string `json:"href,omitempty"`
}

type feishuPost struct {
	Timestamp string `json:"timestamp,omitempty"`
	Sign      string `json:"sign,omitempty"`
	MsgType   string `json:"msg_type"`
	Content   struct {
		Post map[string]feishuPostLang `json:"post"`
	} `json:"content"`
}

type feishuPostLang struct {
	Title   string            `json:"title"`
	Content [][]feishuElement `json:"content"`
}

// feishuBody is a rich-text ("post") message: the subject as its title, one
// paragraph per body line, the link as an "a" element of its own.
func feishuBody(m Message) *feishuPost {
	lang := feishuPostLang{Title: m.Subject}
	for _, line := range strings.Split(cut(m.Body, budget("feishu", m.Subject, m.Link)), "\n") {
		lang.Content = append(lang.Content, []feishuElement{{Tag: "text", Text: line}})
	}
	if m.Link != "" {
		lang.Content = append(lang.Content, []feishuElement{{Tag: "a", Text: "查看详情", Href: m.Link}})
	}
	b := &feishuPost{MsgType: "post"}
	b.Content.Post = map[string]feishuPostLang{"zh_cn": lang}
	return b
}

// cut shortens s to at most n bytes at a character boundary, marking the cut.
func cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	const mark = "…"
	if n < len(mark) {
		return ""
	}
	s = s[:n-len(mark)]
	for !utf8.ValidString(s) {
		s = s[:len(s)-1]
	}
	return s + mark
}

// robotReply is the JSON all three platforms answer with: DingTalk and WeCom
// say errcode/errmsg, Feishu code/msg (older Feishu hooks also StatusCode).
type robotReply struct {
	ErrCode    *int   `json:"errcode"`
	ErrMsg     string `json:"errmsg"`
	Code       *int   `json:"code"`
	Msg        string `json:"msg"`
	StatusCode *int   `json:"StatusCode"`
}

// Codes that mean "not now" rather than "never": the platforms' rate limits
// and "system busy". Every other non-zero code (a rejected signature, a
// missing keyword, an IP not on the list, a bad token or body) is permanent.
var temporaryCodes = map[string]map[int]bool{
	"dingtalk": {-1: true, 130101: true},             // system busy; send too fast
	"wecom":    {-1: true, 45009: true, 45033: true}, // system busy; api freq out of limit; too many concurrent calls
	"feishu":   {11232: true, 230020: true},          // frequency limited (per tenant, per chat)
}

func (c *robotChannel) verdict(status int, raw []byte) error {
	var r robotReply
	parsed := json.Unmarshal(raw, &r) == nil
	code, text := 0, ""
	if parsed {
		switch {
		case r.ErrCode != nil:
			code, text = *r.ErrCode, r.ErrMsg
		case r.Code != nil:
			code, text = *r.Code, r.Msg
		case r.StatusCode != nil:
			code, text = *r.StatusCode, r.Msg
		default:
			parsed = false
		}
	}
	if parsed && code != 0 {
		return &Error{Channel: c.kind, Permanent: !temporaryCodes[c.kind][code],
			Err: fmt.Errorf("HTTP %d, code %d: %s", status, code, text)}
	}
	switch {
	case status == http.StatusTooManyRequests || status == http.StatusRequestTimeout || status >= 500:
		return temporary(c.kind, fmt.Errorf("HTTP %d", status))
	case status >= 300:
		return permanent(c.kind, fmt.Errorf("HTTP %d", status))
	case !parsed:
		// 200 with no status we understand: a proxy's page, a captive portal.
		// Try again later; the job reports it if it persists.
		return temporary(c.kind, fmt.Errorf("HTTP %d with an answer that is not the platform's JSON", status))
	}
	return nil
}
