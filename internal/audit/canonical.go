package audit

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// canonicalTag opens every canonical encoding: it names the format version,
// so a future format cannot be confused with this one.
const canonicalTag = "zeren-audit-v1\x00"

// maxStr is the longest string (or canonical JSON document) the length prefix
// is allowed to describe.
const maxStr = 1<<31 - 1

// Canonical returns the deterministic encoding of every field of e except
// Hash (see the package documentation for the layout). It fails only when
// Before or After is not valid JSON or a string is too long.
func Canonical(e Event) ([]byte, error) {
	before, err := CanonicalJSON(e.Before)
	if err != nil {
		return nil, fmt.Errorf("before: %w", err)
	}
	after, err := CanonicalJSON(e.After)
	if err != nil {
		return nil, fmt.Errorf("after: %w", err)
	}
	n := len(canonicalTag) + 5*8 + 9*4 + 2 + len(e.Actor) + len(e.ClientAddr) + len(e.Type) +
		len(e.Target) + len(e.Outcome) + len(before) + len(after) + len(e.Detail) + len(e.PrevHash) + len(e.Alg)
	b := make([]byte, 0, n)
	b = append(b, canonicalTag...)
	b = binary.BigEndian.AppendUint64(b, uint64(e.Seq))
	b = binary.BigEndian.AppendUint64(b, uint64(e.Time.UnixMilli()))
	b = appendStr(b, e.Actor)
	b = binary.BigEndian.AppendUint64(b, uint64(e.ActorID))
	b = binary.BigEndian.AppendUint64(b, uint64(e.OrgID))
	b = appendStr(b, e.ClientAddr)
	b = appendStr(b, e.Type)
	b = appendStr(b, e.Target)
	b = appendStr(b, e.Outcome)
	b = appendJSON(b, before)
	b = appendJSON(b, after)
	b = appendStr(b, e.Detail)
	b = appendStr(b, e.PrevHash)
	b = appendStr(b, e.Alg)
	for _, s := range []string{e.Actor, e.ClientAddr, e.Type, e.Target, e.Outcome, string(before), string(after), e.Detail, e.PrevHash, e.Alg} {
		if len(s) > maxStr {
			return nil, errors.New("a field is longer than 2 GiB")
		}
	}
	return b, nil
}

func appendStr[S string | []byte](b []byte, s S) []byte {
	b = binary.BigEndian.AppendUint32(b, uint32(len(s)))
	return append(b, s...)
}

func appendJSON(b []byte, doc json.RawMessage) []byte {
	if doc == nil {
		return append(b, 0)
	}
	return appendStr(append(b, 1), []byte(doc))
}

// CanonicalJSON returns the canonical form of a JSON document (see the
// package documentation): compact, keys sorted, strings and numbers written
// one way, so that any two serializations of the same JSON value — in
// particular what PostgreSQL jsonb gives back — have the same canonical
// form. It returns nil for an empty document and for a top-level null
// (absent), and an error for invalid JSON, duplicate keys and \u0000.
func CanonicalJSON(doc json.RawMessage) (json.RawMessage, error) {
	if len(bytes.TrimSpace(doc)) == 0 {
		return nil, nil
	}
	// json.Valid is strict (one value, nothing after it, valid nesting depth);
	// the decoder below then only has to walk the tokens.
	if !json.Valid(doc) {
		return nil, errors.New("is not valid JSON")
	}
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.UseNumber()
	var out bytes.Buffer
	out.Grow(len(doc))
	if err := canonValue(dec, &out); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("is not a single JSON value")
	}
	if out.String() == "null" {
		return nil, nil
	}
	return out.Bytes(), nil
}

func canonValue(dec *json.Decoder, out *bytes.Buffer) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	return canonToken(dec, tok, out)
}

func canonToken(dec *json.Decoder, tok json.Token, out *bytes.Buffer) error {
	switch v := tok.(type) {
	case json.Delim:
		switch v {
		case '{':
			return canonObject(dec, out)
		case '[':
			return canonArray(dec, out)
		}
		return fmt.Errorf("unexpected %q", rune(v))
	case string:
		return appendJSONString(out, v)
	case json.Number:
		s, err := canonNumber(string(v))
		if err != nil {
			return err
		}
		out.WriteString(s)
	case bool:
		out.WriteString(strconv.FormatBool(v))
	case nil:
		out.WriteString("null")
	default:
		return fmt.Errorf("unexpected token %v", tok)
	}
	return nil
}

func canonArray(dec *json.Decoder, out *bytes.Buffer) error {
	out.WriteByte('[')
	for first := true; ; first = false {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		if tok == json.Delim(']') {
			out.WriteByte(']')
			return nil
		}
		if !first {
			out.WriteByte(',')
		}
		if err := canonToken(dec, tok, out); err != nil {
			return err
		}
	}
}

func canonObject(dec *json.Decoder, out *bytes.Buffer) error {
	type member struct {
		key string
		val []byte
	}
	var members []member
	for {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		if tok == json.Delim('}') {
			break
		}
		key, ok := tok.(string)
		if !ok {
			return fmt.Errorf("unexpected object key %v", tok)
		}
		var val bytes.Buffer
		if err := canonValue(dec, &val); err != nil {
			return err
		}
		members = append(members, member{key, val.Bytes()})
	}
	slices.SortFunc(members, func(a, b member) int { return strings.Compare(a.key, b.key) })
	out.WriteByte('{')
	for i, m := range members {
		if i > 0 {
			if m.key == members[i-1].key {
				return fmt.Errorf("duplicate key %q", m.key)
			}
			out.WriteByte(',')
		}
		if err := appendJSONString(out, m.key); err != nil {
			return err
		}
		out.WriteByte(':')
		out.Write(m.val)
	}
	out.WriteByte('}')
	return nil
}

// appendJSONString writes s quoted, escaping only what JSON requires.
// (The decoder has already replaced invalid UTF-8 with U+FFFD.)
func appendJSONString(out *bytes.Buffer, s string) error {
	const hexDigits = "0123456789abcdef"
	out.WriteByte('"')
	for i := 0; i < len(s); {
		c := s[i]
		if c >= utf8.RuneSelf {
			r, size := utf8.DecodeRuneInString(s[i:])
			out.WriteRune(r)
			i += size
			continue
		}
		switch {
		case c == 0:
			return errors.New(`contains \u0000, which PostgreSQL cannot store`)
		case c == '"' || c == '\\':
			out.WriteByte('\\')
			out.WriteByte(c)
		case c == '\b':
			out.WriteString(`\b`)
		case c == '\f':
			out.WriteString(`\f`)
		case c == '\n':
			out.WriteString(`\n`)
		case c == '\r':
			out.WriteString(`\r`)
		case c == '\t':
			out.WriteString(`\t`)
		case c < 0x20:
			out.WriteString(`\u00`)
			out.WriteByte(hexDigits[c>>4])
			out.WriteByte(hexDigits[c&0xf])
		default:
			out.WriteByte(c)
		}
		i++
	}
	out.WriteByte('"')
	return nil
}

// maxExp bounds the decimal exponent of a number; PostgreSQL's numeric holds
// far less, so nothing real is refused.
const maxExp = 1 << 20

// canonNumber rewrites a JSON number (already validated by json.Valid) from
// its exact decimal value: digits d without leading or trailing zeros and an
// exponent, written as ECMAScript writes doubles (plain notation when the
// decimal point falls within 21 digits of the first digit and not more than
// 6 zeros before it, exponent notation otherwise) but with every digit kept.
func canonNumber(s string) (string, error) {
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	mant, expPart, hasExp := strings.Cut(strings.ToLower(s), "e")
	exp := 0
	if hasExp {
		expPart = strings.TrimPrefix(expPart, "+")
		expSign := 1
		if strings.HasPrefix(expPart, "-") {
			expSign = -1
			expPart = expPart[1:]
		}
		expPart = strings.TrimLeft(expPart, "0")
		if len(expPart) > 8 {
			return "", fmt.Errorf("number %s is out of range", s)
		}
		if expPart != "" {
			v, err := strconv.Atoi(expPart)
			if err != nil {
				return "", fmt.Errorf("number %s: %w", s, err)
			}
			exp = expSign * v
		}
	}
	intPart, frac, _ := strings.Cut(mant, ".")
	digits := intPart + frac
	exp -= len(frac)
	digits = strings.TrimLeft(digits, "0")
	if digits == "" {
		return "0", nil
	}
	trimmed := strings.TrimRight(digits, "0")
	exp += len(digits) - len(trimmed)
	digits = trimmed
	if exp > maxExp || exp < -maxExp {
		return "", fmt.Errorf("number %s is out of range", s)
	}

	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	// value = 0.digits × 10^point
	point := len(digits) + exp
	switch {
	case exp >= 0 && point <= 21:
		b.WriteString(digits)
		b.WriteString(strings.Repeat("0", exp))
	case point > 0 && point <= 21:
		b.WriteString(digits[:point])
		b.WriteByte('.')
		b.WriteString(digits[point:])
	case point <= 0 && point > -6:
		b.WriteString("0.")
		b.WriteString(strings.Repeat("0", -point))
		b.WriteString(digits)
	default:
		b.WriteString(digits[:1])
		if len(digits) > 1 {
			b.WriteByte('.')
			b.WriteString(digits[1:])
		}
		b.WriteByte('e')
		if point-1 >= 0 {
			b.WriteByte('+')
		}
		b.WriteString(strconv.Itoa(point - 1))
	}
	return b.String(), nil
}
