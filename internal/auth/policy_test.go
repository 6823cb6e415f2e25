package auth

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/zeren-edu/zeren/internal/domain"
)

func TestLevel3(t *testing.T) {
	p := Level3()
	want := Policy{MinLength: 8, MinClasses: 3, ExpiryDays: 90, HistoryCount: 5, MaxFailures: 5,
		LockoutMinutes: 10, IdleMinutes: 30, AccountAttemptsPerMinute: 10, AddressFailuresPerMinute: 10, MaxSessions: 3}
	if p != want {
		t.Fatalf("Level3() = %+v, want %+v", p, want)
	}
	if err := p.Validate(); err != nil {
		t.Fatalf("Level3().Validate() = %v", err)
	}
	b, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	const wantJSON = `{"min_length":8,"min_classes":3,"expiry_days":90,"history_count":5,"max_failures":5,` +
		`"lockout_minutes":10,"idle_minutes":30,"account_attempts_per_minute":10,"address_failures_per_minute":10,"max_sessions":3}`
	if string(b) != wantJSON {
		t.Fatalf("JSON = %s\nwant   %s", b, wantJSON)
	}
	var back Policy
	if err := json.Unmarshal(b, &back); err != nil || back != p {
		t.Fatalf("JSON round trip = %+v, %v", back, err)
	}
}

func TestValidateRefusesWeakening(t *testing.T) {
	cases := []struct {
		field string
		set   func(*Policy)
	}{
		{"min_length", func(p *Policy) { p.MinLength = 6 }},
		{"min_length", func(p *Policy) { p.MinLength = 7 }},
		{"min_length", func(p *Policy) { p.MinLength = 0 }},
		{"min_classes", func(p *Policy) { p.MinClasses = 2 }},
		{"min_classes", func(p *Policy) { p.MinClasses = 0 }},
		{"expiry_days", func(p *Policy) { p.ExpiryDays = 0 }},
		{"expiry_days", func(p *Policy) { p.ExpiryDays = -1 }},
		{"expiry_days", func(p *Policy) { p.ExpiryDays = 91 }},
		{"expiry_days", func(p *Policy) { p.ExpiryDays = 365 }},
		{"history_count", func(p *Policy) { p.HistoryCount = 4 }},
		{"history_count", func(p *Policy) { p.HistoryCount = 0 }},
		{"max_failures", func(p *Policy) { p.MaxFailures = 6 }},
		{"max_failures", func(p *Policy) { p.MaxFailures = 100 }},
		{"lockout_minutes", func(p *Policy) { p.LockoutMinutes = 9 }},
		{"lockout_minutes", func(p *Policy) { p.LockoutMinutes = 0 }},
		{"idle_minutes", func(p *Policy) { p.IdleMinutes = 31 }},
		{"idle_minutes", func(p *Policy) { p.IdleMinutes = 60 }},
		{"account_attempts_per_minute", func(p *Policy) { p.AccountAttemptsPerMinute = 11 }},
		{"address_failures_per_minute", func(p *Policy) { p.AddressFailuresPerMinute = 11 }},
		{"max_sessions", func(p *Policy) { p.MaxSessions = 4 }},
	}
	for _, c := range cases {
		p := Level3()
		c.set(&p)
		t.Run(fmt.Sprintf("%s=%+v", c.field, p), func(t *testing.T) {
			err := p.Validate()
			var e *domain.Error
			if !errors.As(err, &e) || e.Kind != domain.KindInvalid || e.Field != c.field {
				t.Fatalf("Validate() = %v, want invalid %s", err, c.field)
			}
			if !strings.HasSuffix(e.Message, "(MLPS level 3)") {
				t.Fatalf("a weakening must cite the level-3 floor: %q", e.Message)
			}
		})
	}
	p := Level3()
	p.MinLength = 6
	if got := p.Validate().Error(); got != "min_length: the minimum password length cannot be lower than 8 (MLPS level 3)" {
		t.Fatalf("message = %q", got)
	}
	p = Level3()
	p.IdleMinutes = 60
	if got := p.Validate().Error(); got != "idle_minutes: the idle timeout cannot be longer than 30 minutes (MLPS level 3)" {
		t.Fatalf("message = %q", got)
	}
}

func TestValidateRefusesNonsense(t *testing.T) {
	cases := []struct {
		field string
		set   func(*Policy)
	}{
		{"min_length", func(p *Policy) { p.MinLength = 65 }},
		{"min_classes", func(p *Policy) { p.MinClasses = 5 }},
		{"history_count", func(p *Policy) { p.HistoryCount = 25 }},
		{"max_failures", func(p *Policy) { p.MaxFailures = 0 }},
		{"lockout_minutes", func(p *Policy) { p.LockoutMinutes = 1441 }},
		{"idle_minutes", func(p *Policy) { p.IdleMinutes = 0 }},
		{"account_attempts_per_minute", func(p *Policy) { p.AccountAttemptsPerMinute = 0 }},
		{"address_failures_per_minute", func(p *Policy) { p.AddressFailuresPerMinute = -1 }},
		{"max_sessions", func(p *Policy) { p.MaxSessions = 0 }}, // no "unlimited"
	}
	for _, c := range cases {
		p := Level3()
		c.set(&p)
		var e *domain.Error
		if err := p.Validate(); !errors.As(err, &e) || e.Kind != domain.KindInvalid || e.Field != c.field {
			t.Errorf("%+v: Validate() = %v, want invalid %s", p, err, c.field)
		}
	}
	if err := (Policy{}).Validate(); !domain.IsKind(err, domain.KindInvalid) {
		t.Errorf("the zero Policy validates: %v", err)
	}
}

func TestValidateAcceptsTightening(t *testing.T) {
	tight := Policy{MinLength: 12, MinClasses: 4, ExpiryDays: 30, HistoryCount: 10, MaxFailures: 3,
		LockoutMinutes: 30, IdleMinutes: 15, AccountAttemptsPerMinute: 5, AddressFailuresPerMinute: 5, MaxSessions: 2}
	if err := tight.Validate(); err != nil {
		t.Fatalf("tightened policy refused: %v", err)
	}
	// Each field alone at its tightest sensible value.
	v := reflect.ValueOf(&tight).Elem()
	tightest := map[string]int{"MinLength": 64, "MinClasses": 4, "ExpiryDays": 1, "HistoryCount": 24, "MaxFailures": 1,
		"LockoutMinutes": 1440, "IdleMinutes": 1, "AccountAttemptsPerMinute": 1, "AddressFailuresPerMinute": 1, "MaxSessions": 1}
	for i := range v.NumField() {
		name := v.Type().Field(i).Name
		n, ok := tightest[name]
		if !ok {
			t.Fatalf("field %s has no tightest value in this test", name)
		}
		p := Level3()
		reflect.ValueOf(&p).Elem().Field(i).SetInt(int64(n))
		if err := p.Validate(); err != nil {
			t.Errorf("%s=%d refused: %v", name, n, err)
		}
	}
}

// checkRule asserts err is the password rule violation rule with limit.
func checkRule(t *testing.T, err error, rule string, limit int) {
	t.Helper()
	if rule == "" {
		if err != nil {
			t.Fatalf("refused: %v", err)
		}
		return
	}
	var e *domain.Error
	if !errors.As(err, &e) || e.Kind != domain.KindInvalid || e.Field != "password" || e.Message == "" {
		t.Fatalf("error = %v, want invalid password", err)
	}
	var v *Violation
	if !errors.As(err, &v) || v.Rule != rule || v.Limit != limit {
		t.Fatalf("violation = %+v (%v), want %s/%d", v, err, rule, limit)
	}
}

func TestCheckNewPassword(t *testing.T) {
	long := "Ab1!" + strings.Repeat("x", MaxPasswordBytes-4)
	cases := []struct {
		name, user, pw string
		rule           string
		limit          int
	}{
		{"empty", "zhangsan", "", RuleTooShort, 8},
		{"short", "zhangsan", "Ab1!xyz", RuleTooShort, 8},
		{"eight, three classes", "zhangsan", "Abcdefg1", "", 0},
		{"two classes: lower+digit", "zhangsan", "abcdefgh1", RuleTooFewClasses, 3},
		{"two classes: upper+other", "zhangsan", "ABCDEFG!", RuleTooFewClasses, 3},
		{"one class", "zhangsan", "abcdefghijkl", RuleTooFewClasses, 3},
		{"four classes", "zhangsan", "Abc-1234", "", 0},
		{"contains username", "zhangsan", "Zhangsan-2024", RuleContainsUsername, 0},
		{"contains username, mixed case", "ZhangSan", "x1!ZHANGsan", RuleContainsUsername, 0},
		{"username padded", " zhangsan ", "Azhangsan1", RuleContainsUsername, 0},
		{"short username not checked", "li", "Climb-Li-9", "", 0},
		{"128 bytes", "zhangsan", long, "", 0},
		{"129 bytes", "zhangsan", long + "x", RuleTooLong, MaxPasswordBytes},
		{"invalid UTF-8", "zhangsan", "Abc\xff12345", RuleInvalidUTF8, 0},
		{"control character", "zhangsan", "Abc\n12345", RuleControlChar, 0},
		{"NUL", "zhangsan", "Abc\x0012345", RuleControlChar, 0},
		{"Chinese counts as other", "zhangsan", "密码Mima2024", "", 0},
		{"Chinese only", "zhangsan", "密码密码密码密码", RuleTooFewClasses, 3},
		{"length in characters, not bytes", "zhangsan", "密码Ab1!x", RuleTooShort, 8},
		{"spaces count as other", "zhangsan", "correct horse 9", "", 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			checkRule(t, CheckNewPassword(Level3(), c.user, c.pw, nil), c.rule, c.limit)
		})
	}

	t.Run("tightened", func(t *testing.T) {
		p := Level3()
		p.MinLength, p.MinClasses = 12, 4
		checkRule(t, CheckNewPassword(p, "zhangsan", "Abcdefg1", nil), RuleTooShort, 12)
		checkRule(t, CheckNewPassword(p, "zhangsan", "Abcdefgh1234", nil), RuleTooFewClasses, 4)
		checkRule(t, CheckNewPassword(p, "zhangsan", "Abcdefgh-234", nil), "", 0)
	})
	t.Run("zero policy acts as level 3", func(t *testing.T) {
		checkRule(t, CheckNewPassword(Policy{}, "zhangsan", "Ab1!xyz", nil), RuleTooShort, 8)
		checkRule(t, CheckNewPassword(Policy{MinClasses: 1}, "zhangsan", "abcdefghijkl", nil), RuleTooFewClasses, 3)
	})
	t.Run("message", func(t *testing.T) {
		err := CheckNewPassword(Level3(), "zhangsan", "short", nil)
		if got := err.Error(); got != "password: the password must be at least 8 characters long: password_too_short" {
			t.Fatalf("Error() = %q", got)
		}
	})
}

func TestCheckNewPasswordHistory(t *testing.T) {
	pws := []string{"Newest-001", "Second-002", "Third-003", "Fourth-004", "Fifth-005", "Sixth-006", "Seventh-007"}
	history := make([]string, len(pws)) // newest first
	for i, pw := range pws {
		history[i] = mustHash(t, pw)
	}
	for i, pw := range pws {
		err := CheckNewPassword(Level3(), "zhangsan", pw, history)
		if i < 5 {
			checkRule(t, err, RuleReused, 5)
		} else {
			checkRule(t, err, "", 0) // the 6th and older may come back
		}
	}
	p := Level3()
	p.HistoryCount = 6
	checkRule(t, CheckNewPassword(p, "zhangsan", pws[5], history), RuleReused, 6)
	checkRule(t, CheckNewPassword(Level3(), "zhangsan", "Brand-New-1", history), "", 0)

	// A corrupt history entry fails closed, as an untyped (internal) error.
	bad := append([]string{history[0], "$argon2id$garbage"}, history[1:]...)
	err := CheckNewPassword(Level3(), "zhangsan", "Brand-New-1", bad)
	if err == nil || domain.KindOf(err) != "" || !errors.Is(err, ErrMalformedHash) {
		t.Fatalf("corrupt history: %v", err)
	}
}
