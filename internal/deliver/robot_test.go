package deliver

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The receivers below check what each platform checks, written from its
// documentation and not from the code under test: DingTalk recomputes
// base64(HMAC-SHA256(key=secret, timestamp+"\n"+secret)) from the URL's
// timestamp (milliseconds, within an hour); Feishu recomputes
// base64(HMAC-SHA256(key=timestamp+"\n"+secret, "")) from the body's
// timestamp (seconds); WeCom only knows its key in the URL.

var fixedNow = time.Date(2026, 3, 9, 8, 30, 0, 0, time.FixedZone("CST", 8*3600))

func clock() time.Time { return fixedNow }

var testMsg = Message{
	Subject: "待审批：城关一中 3 月主题党日",
	Body:    "城关一中提交了活动记录，等待您审批。\n第二行说明。",
	Link:    "https://zeren.example.cn/activities/42",
}

type received struct {
	query map[string]string
	body  map[string]any
}

func receiver(t *testing.T, check func(r *http.Request, body []byte) (int, string)) (*httptest.Server, chan received) {
	t.Helper()
	got := make(chan received, 4)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		raw, _ := io.ReadAll(r.Body)
		var body map[string]any
		if err := json.Unmarshal(raw, &body); err != nil {
			t.Errorf("body is not JSON: %v: %s", err, raw)
		}
		if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
			t.Errorf("Content-Type = %q", ct)
		}
		q := map[string]string{}
		for k := range r.URL.Query() {
			q[k] = r.URL.Query().Get(k)
		}
		got <- received{query: q, body: body}
		status, answer := check(r, raw)
		w.WriteHeader(status)
		_, _ = io.WriteString(w, answer)
	}))
	t.Cleanup(srv.Close)
	return srv, got
}

func TestDingTalkSignedMarkdown(t *testing.T) {
	const secret = "SEC0123456789abcdef"
	srv, got := receiver(t, func(r *http.Request, _ []byte) (int, string) {
		q := r.URL.Query()
		ts, sign := q.Get("timestamp"), q.Get("sign") // Query() has URL-decoded sign
		ms, err := strconv.ParseInt(ts, 10, 64)
		if err != nil || time.UnixMilli(ms).Sub(fixedNow).Abs() > time.Hour {
			return 200, `{"errcode":310000,"errmsg":"timestamp"}`
		}
		mac := hmac.New(sha256.New, []byte(secret))
		mac.Write([]byte(ts + "\n" + secret))
		if sign != base64.StdEncoding.EncodeToString(mac.Sum(nil)) || q.Get("access_token") != "tok" {
			return 200, `{"errcode":310000,"errmsg":"sign not match"}`
		}
		return 200, `{"errcode":0,"errmsg":"ok"}`
	})
	ch, err := NewRobot(Robot{Kind: "dingtalk", Webhook: srv.URL + "/robot/send?access_token=tok", Secret: secret}, nil, clock)
	if err != nil {
		t.Fatal(err)
	}
	if err := ch.Send(context.Background(), testMsg); err != nil {
		t.Fatalf("send: %v", err)
	}
	r := <-got
	if r.query["timestamp"] != strconv.FormatInt(fixedNow.UnixMilli(), 10) {
		t.Errorf("timestamp = %q, want the clock's milliseconds", r.query["timestamp"])
	}
	if r.body["msgtype"] != "markdown" {
		t.Errorf("msgtype = %v", r.body["msgtype"])
	}
	md, _ := r.body["markdown"].(map[string]any)
	if md["title"] != testMsg.Subject {
		t.Errorf("title = %v", md["title"])
	}
	text, _ := md["text"].(string)
	for _, want := range []string{testMsg.Subject, "等待您审批", "第二行说明", "(" + testMsg.Link + ")"} {
		if !strings.Contains(text, want) {
			t.Errorf("text %q lacks %q", text, want)
		}
	}

	// The same receiver refuses a wrong secret, and that is permanent.
	bad, _ := NewRobot(Robot{Kind: "dingtalk", Webhook: srv.URL + "/robot/send?access_token=tok", Secret: "SECwrong"}, nil, clock)
	err = bad.Send(context.Background(), testMsg)
	<-got
	assertErr(t, err, "dingtalk", true)
}

func TestFeishuSignedPost(t *testing.T) {
	const secret = "feishu-secret"
	srv, got := receiver(t, func(_ *http.Request, raw []byte) (int, string) {
		var b struct {
			Timestamp string `json:"timestamp"`
			Sign      string `json:"sign"`
		}
		_ = json.Unmarshal(raw, &b)
		sec, err := strconv.ParseInt(b.Timestamp, 10, 64)
		if err != nil || time.Unix(sec, 0).Sub(fixedNow).Abs() > time.Hour {
			return 200, `{"code":19021,"data":{},"msg":"sign match fail or timestamp is not within one hour from current time"}`
		}
		mac := hmac.New(sha256.New, []byte(b.Timestamp+"\n"+secret))
		if b.Sign != base64.StdEncoding.EncodeToString(mac.Sum(nil)) {
			return 200, `{"code":19021,"data":{},"msg":"sign match fail or timestamp is not within one hour from current time"}`
		}
		return 200, `{"code":0,"data":{},"msg":"success"}`
	})
	hook := srv.URL + "/open-apis/bot/v2/hook/abc-123"
	ch, err := NewRobot(Robot{Kind: "feishu", Webhook: hook, Secret: secret}, nil, clock)
	if err != nil {
		t.Fatal(err)
	}
	if err := ch.Send(context.Background(), testMsg); err != nil {
		t.Fatalf("send: %v", err)
	}
	r := <-got
	if r.body["timestamp"] != strconv.FormatInt(fixedNow.Unix(), 10) {
		t.Errorf("timestamp = %v, want the clock's seconds", r.body["timestamp"])
	}
	if r.body["msg_type"] != "post" {
		t.Errorf("msg_type = %v", r.body["msg_type"])
	}
	// content.post.zh_cn: title and paragraphs of {tag,text} / {tag:a,href}.
	var shape struct {
		Content struct {
			Post struct {
				ZhCN struct {
					Title   string `json:"title"`
					Content [][]struct {
						Tag, Text, Href string
					} `json:"content"`
				} `json:"zh_cn"`
			} `json:"post"`
		} `json:"content"`
	}
	raw, _ := json.Marshal(r.body)
	if err := json.Unmarshal(raw, &shape); err != nil {
		t.Fatal(err)
	}
	post := shape.Content.Post.ZhCN
	if post.Title != testMsg.Subject {
		t.Errorf("title = %q", post.Title)
	}
	var texts []string
	link := ""
	for _, para := range post.Content {
		for _, el := range para {
			switch el.Tag {
			case "text":
				texts = append(texts, el.Text)
			case "a":
				link = el.Href
			default:
				t.Errorf("unexpected tag %q", el.Tag)
			}
		}
	}
	if strings.Join(texts, "\n") != testMsg.Body || link != testMsg.Link {
		t.Errorf("paragraphs %q, link %q", texts, link)
	}

	// DingTalk's recipe (secret as key, string as message) fails here.
	bad, _ := NewRobot(Robot{Kind: "feishu", Webhook: hook, Secret: "other"}, nil, clock)
	err = bad.Send(context.Background(), testMsg)
	<-got
	assertErr(t, err, "feishu", true)
}

func TestWeComMarkdown(t *testing.T) {
	srv, got := receiver(t, func(r *http.Request, _ []byte) (int, string) {
		if r.URL.Query().Get("key") != "693a91f6-7xxx" {
			return 200, `{"errcode":93000,"errmsg":"invalid webhook url"}`
		}
		return 200, `{"errcode":0,"errmsg":"ok"}`
	})
	ch, err := NewRobot(Robot{Kind: "wecom", Webhook: srv.URL + "/cgi-bin/webhook/send?key=693a91f6-7xxx"}, nil, clock)
	if err != nil {
		t.Fatal(err)
	}
	long := testMsg
	long.Subject = strings.Repeat("标题", 100)    // 600 bytes
	long.Body = strings.Repeat("很长的说明文字。", 400) // 9600 bytes: over WeCom's 4096
	if err := ch.Send(context.Background(), long); err != nil {
		t.Fatalf("send: %v", err)
	}
	r := <-got
	if r.body["msgtype"] != "markdown" {
		t.Errorf("msgtype = %v", r.body["msgtype"])
	}
	md, _ := r.body["markdown"].(map[string]any)
	content, _ := md["content"].(string)
	if len(content) > 4096 || !strings.HasPrefix(content, "**"+long.Subject+"**") ||
		!strings.HasSuffix(content, "[查看详情]("+testMsg.Link+")") || !strings.Contains(content, "…") {
		t.Errorf("content (%d bytes) = %.80q…", len(content), content)
	}

	wrong, _ := NewRobot(Robot{Kind: "wecom", Webhook: srv.URL + "/cgi-bin/webhook/send?key=revoked"}, nil, clock)
	err = wrong.Send(context.Background(), testMsg)
	<-got
	assertErr(t, err, "wecom", true)
}

func TestRobotFailuresClassified(t *testing.T) {
	cases := []struct {
		name, kind, answer string
		status             int
		permanent          bool
	}{
		{"server error", "dingtalk", "oops", 500, false},
		{"bad gateway", "wecom", "<html>", 502, false},
		{"rate limited dingtalk", "dingtalk", `{"errcode":130101,"errmsg":"send too fast"}`, 200, false},
		{"rate limited wecom", "wecom", `{"errcode":45009,"errmsg":"api freq out of limit"}`, 200, false},
		{"rate limited feishu", "feishu", `{"code":11232,"msg":"frequency limited"}`, 400, false},
		{"keyword missing", "dingtalk", `{"errcode":310000,"errmsg":"keywords not in content"}`, 200, true},
		{"ip not allowed", "feishu", `{"code":19022,"msg":"Ip Not Allowed"}`, 200, true},
		{"keyword feishu", "feishu", `{"code":19024,"msg":"Key Words Not Found"}`, 200, true},
		{"not found", "wecom", "no", 404, true},
		{"200 not json", "dingtalk", "<html>portal</html>", 200, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				w.WriteHeader(tc.status)
				_, _ = io.WriteString(w, tc.answer)
			}))
			defer srv.Close()
			ch, err := NewRobot(Robot{Kind: tc.kind, Webhook: hookFor(srv.URL, tc.kind)}, nil, clock)
			if err != nil {
				t.Fatal(err)
			}
			assertErr(t, ch.Send(context.Background(), testMsg), tc.kind, tc.permanent)
		})
	}
}

func TestRobotHangingReceiverTimesOut(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		_, _ = io.ReadAll(r.Body)
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	ch, err := NewRobot(Robot{Kind: "feishu", Webhook: srv.URL + "/open-apis/bot/v2/hook/x"},
		&http.Client{Timeout: 100 * time.Millisecond}, clock)
	if err != nil {
		t.Fatal(err)
	}
	assertErr(t, ch.Send(context.Background(), testMsg), "feishu", false)

	// A receiver that is not there at all is also worth another try.
	close(release)
	down := srv.URL
	srv.Close()
	ch, _ = NewRobot(Robot{Kind: "dingtalk", Webhook: down + "/robot/send?access_token=t"}, nil, clock)
	err = ch.Send(context.Background(), testMsg)
	assertErr(t, err, "dingtalk", false)
	if strings.Contains(err.Error(), "access_token=t") {
		t.Errorf("error leaks the token: %v", err)
	}
}

func TestNewRobotValidates(t *testing.T) {
	bad := []Robot{
		{Kind: "slack", Webhook: "https://hooks.example.com/x"},
		{Kind: "dingtalk", Webhook: "http://oapi.dingtalk.com/robot/send?access_token=x"}, // not https, not loopback
		{Kind: "dingtalk", Webhook: "https://oapi.dingtalk.com/robot/send"},               // no token
		{Kind: "wecom", Webhook: "https://qyapi.weixin.qq.com/cgi-bin/webhook/send"},      // no key
		{Kind: "wecom", Webhook: "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k", Secret: "s"},
		{Kind: "feishu", Webhook: "https://open.feishu.cn/open-apis/bot/v2/"},
		{Kind: "feishu", Webhook: "/open-apis/bot/v2/hook/x"},
		{Kind: "feishu", Webhook: "ftp://open.feishu.cn/open-apis/bot/v2/hook/x"},
	}
	for _, r := range bad {
		if _, err := NewRobot(r, nil, clock); err == nil {
			t.Errorf("NewRobot(%+v) accepted", r)
		} else {
			var de *Error
			if !errors.As(err, &de) || !de.Permanent {
				t.Errorf("NewRobot(%+v) = %v, want a permanent *Error", r, err)
			}
		}
	}
	good := []Robot{
		{Kind: "dingtalk", Webhook: "https://oapi.dingtalk.com/robot/send?access_token=x", Secret: "SECx"},
		{Kind: "wecom", Webhook: "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k"},
		{Kind: "feishu", Webhook: "https://open.feishu.cn/open-apis/bot/v2/hook/x"},
		{Kind: "feishu", Webhook: "http://[::1]:8080/open-apis/bot/v2/hook/x"},
	}
	for _, r := range good {
		if _, err := NewRobot(r, nil, clock); err != nil {
			t.Errorf("NewRobot(%+v) = %v", r, err)
		}
	}
	if _, err := NewRobot(good[0], nil, nil); err == nil {
		t.Error("a robot without a clock was accepted")
	}
}

func hookFor(base, kind string) string {
	switch kind {
	case "dingtalk":
		return base + "/robot/send?access_token=t"
	case "wecom":
		return base + "/cgi-bin/webhook/send?key=k"
	}
	return base + "/open-apis/bot/v2/hook/t"
}

func assertErr(t *testing.T, err error, channel string, permanent bool) {
	t.Helper()
	var de *Error
	if !errors.As(err, &de) {
		t.Fatalf("error = %v (%T), want *deliver.Error", err, err)
	}
	if de.Channel != channel || de.Permanent != permanent {
		t.Errorf("error = %v, channel %q permanent %v; want %q permanent %v", err, de.Channel, de.Permanent, channel, permanent)
	}
}
