package period

import (
	"fmt"
	"strings"
	"time"
)

// Code returns p's canonical machine code: 2024, 2024Q3, 2024-09,
// 2024-09-05, 2024-W05, 2024FA / 2025SP, 2024-2025. Codes are what is stored
// and sent over the API; Parse reads them back. Within one kind, codes of
// valid periods sort in time order. Code returns "" for an unknown kind (such
// as the zero Period).
func (p Period) Code() string {
	switch p.Kind {
	case Day:
		return fmt.Sprintf("%04d-%02d-%02d", p.Year, p.N, p.Day)
	case Week:
		return fmt.Sprintf("%04d-W%02d", p.Year, p.N)
	case Month:
		return fmt.Sprintf("%04d-%02d", p.Year, p.N)
	case Quarter:
		return fmt.Sprintf("%04dQ%d", p.Year, p.N)
	case Semester:
		// FA sorts after SP, matching Spring < Autumn within a year.
		if p.N == Spring {
			return fmt.Sprintf("%04dSP", p.Year)
		}
		return fmt.Sprintf("%04dFA", p.Year)
	case SchoolYear:
		return fmt.Sprintf("%04d-%04d", p.Year, p.Year+1)
	case Year:
		return fmt.Sprintf("%04d", p.Year)
	}
	return ""
}

// String returns p's code, so periods print readably in logs and %v.
func (p Period) String() string { return p.Code() }

var zhQuarter = [...]string{"", "一", "二", "三", "四"}

// Label returns p's name for people. lang "en" (or any "en-…" tag) gives
// English; anything else gives Chinese, the bureau's working language. Parse
// reads Chinese labels back.
//
//	zh: 2024年  2024年第三季度  2024年9月  2024年9月5日  2024年第5周  2024年秋季学期  2024-2025学年
//	en: 2024  Q3 2024  September 2024  5 September 2024  Week 5 of 2024  Autumn term 2024  School year 2024–2025
func (p Period) Label(lang string) string {
	if !p.Kind.Valid() || (p.Kind == Quarter && (p.N < 1 || p.N > 4)) {
		return p.Code() // nothing sensible to translate
	}
	if lang == "en" || strings.HasPrefix(lang, "en-") || strings.HasPrefix(lang, "en_") {
		return p.labelEN()
	}
	return p.labelZH()
}

func (p Period) labelZH() string {
	switch p.Kind {
	case Day:
		return fmt.Sprintf("%d年%d月%d日", p.Year, p.N, p.Day)
	case Week:
		return fmt.Sprintf("%d年第%d周", p.Year, p.N)
	case Month:
		return fmt.Sprintf("%d年%d月", p.Year, p.N)
	case Quarter:
		return fmt.Sprintf("%d年第%s季度", p.Year, zhQuarter[p.N])
	case Semester:
		if p.N == Spring {
			return fmt.Sprintf("%d年春季学期", p.Year)
		}
		return fmt.Sprintf("%d年秋季学期", p.Year)
	case SchoolYear:
		return fmt.Sprintf("%d-%d学年", p.Year, p.Year+1)
	default: // Year
		return fmt.Sprintf("%d年", p.Year)
	}
}

func (p Period) labelEN() string {
	switch p.Kind {
	case Day:
		return fmt.Sprintf("%d %s %d", p.Day, time.Month(p.N), p.Year)
	case Week:
		return fmt.Sprintf("Week %d of %d", p.N, p.Year)
	case Month:
		return fmt.Sprintf("%s %d", time.Month(p.N), p.Year)
	case Quarter:
		return fmt.Sprintf("Q%d %d", p.N, p.Year)
	case Semester:
		if p.N == Spring {
			return fmt.Sprintf("Spring term %d", p.Year)
		}
		return fmt.Sprintf("Autumn term %d", p.Year)
	case SchoolYear:
		return fmt.Sprintf("School year %d–%d", p.Year, p.Year+1)
	default: // Year
		return fmt.Sprintf("%d", p.Year)
	}
}

// MarshalText writes p as its code, so a Period is a JSON string such as
// "2024Q3". An invalid Period (the zero Period included) is an error rather
// than a string nobody can read back; tag optional fields `omitzero`.
func (p Period) MarshalText() ([]byte, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	return []byte(p.Code()), nil
}

// UnmarshalText reads any form Parse accepts, so clients may send either
// "2024Q3" or "2024年第三季度".
func (p *Period) UnmarshalText(b []byte) error {
	v, err := Parse(string(b))
	if err != nil {
		return err
	}
	*p = v
	return nil
}
