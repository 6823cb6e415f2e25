package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"reflect"
	"strconv"
	"strings"

	"github.com/zeren-edu/zeren/internal/domain"
)

// maxJSONBody bounds a JSON request body. The largest legitimate body (an
// activity with a 10 000-character description, or 500 ids) is far smaller.
const maxJSONBody = 1 << 20

// decodeJSON reads r's body into dst, a pointer to a struct. Every failure is
// a client error that says what is wrong and where: a wrong media type (415), a
// body over the limit (413), malformed JSON with its byte offset, an unknown
// field by name, a value of the wrong type by field, or data after the object.
// optional allows an empty body, which then leaves dst untouched.
func decodeJSON(w http.ResponseWriter, r *http.Request, dst any, optional bool) error {
	if r.ContentLength > maxJSONBody {
		return tooLargeBody()
	}
	b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxJSONBody))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return tooLargeBody()
		}
		return badJSON("the request body could not be read")
	}
	if optional && len(bytes.TrimSpace(b)) == 0 {
		return nil
	}
	if err := checkJSONType(r.Header.Get("Content-Type")); err != nil {
		return err
	}
	return unmarshalStrict(b, dst)
}

func tooLargeBody() error {
	return domain.TooLarge("", "the request body must be at most %s", byteSize(maxJSONBody))
}

// checkJSONType accepts application/json with an optional UTF-8 charset.
func checkJSONType(ct string) error {
	mt, params, err := mime.ParseMediaType(ct)
	if err == nil && mt == "application/json" {
		if cs, ok := params["charset"]; !ok || strings.EqualFold(cs, "utf-8") {
			return nil
		}
	}
	if ct == "" {
		ct = "none"
	}
	return &httpError{status: http.StatusUnsupportedMediaType, code: codeUnsupportedMedia,
		message: fmt.Sprintf("send the body as application/json (the Content-Type was %s)", clip(ct))}
}

// unmarshalStrict decodes one JSON object from b into dst, refusing unknown
// fields and trailing data. It is the part of decodeJSON the fuzz test drives.
func unmarshalStrict(b []byte, dst any) error {
	trimmed := bytes.TrimLeft(b, " \t\r\n")
	if len(trimmed) == 0 {
		return badJSON("the request body is empty; send a JSON object")
	}
	if trimmed[0] != '{' {
		return badJSON("the request body must be a JSON object ({…})")
	}
	if err := checkKeys(b); err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return jsonError(err, dec.InputOffset(), embeddedNames(reflect.TypeOf(dst)))
	}
	// A second value, or garbage, after the object is a client bug that would
	// otherwise be silently ignored.
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return badJSON("unexpected data after the JSON object at byte offset %d", dec.InputOffset())
	}
	return nil
}

// maxJSONDepth bounds how deeply a body's objects and arrays nest. No request
// of zeren nests deeper than four levels.
const maxJSONDepth = 32

// checkKeys refuses an object, at any depth, that holds one key twice.
// encoding/json would keep the last value silently, so {"title": "a",
// "title": "b"} means "b" to zeren and possibly "a" to a proxy or a log that
// read it first. encoding/json also matches keys to fields regardless of
// case, so "Title" after "title" is the same key. Malformed JSON is left to
// the decoder, which reports it with its offset.
func checkKeys(b []byte) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := walkKeys(dec, "", 0); err != nil && !errors.Is(err, errMalformed) {
		return err
	}
	return nil
}

// errMalformed stops checkKeys at a syntax error, which decoding reports.
var errMalformed = errors.New("malformed JSON")

// walkKeys reads one JSON value from dec, checking the keys of its objects.
func walkKeys(dec *json.Decoder, path string, depth int) error {
	tok, err := dec.Token()
	if err != nil {
		return errMalformed
	}
	d, ok := tok.(json.Delim)
	if !ok {
		return nil // a scalar
	}
	if depth >= maxJSONDepth {
		return badJSON("the JSON nests deeper than %d levels", maxJSONDepth)
	}
	switch d {
	case '{':
		seen := map[string]bool{}
		for dec.More() {
			tok, err := dec.Token()
			key, ok := tok.(string)
			if err != nil || !ok {
				return errMalformed
			}
			field := joinPath(path, key)
			folded := strings.ToLower(key)
			if seen[folded] {
				return &httpError{status: http.StatusBadRequest, code: codeBadJSON, field: clip(field),
					message: fmt.Sprintf("the key %q appears more than once in one object; send each key once", clip(key))}
			}
			seen[folded] = true
			if err := walkKeys(dec, field, depth+1); err != nil {
				return err
			}
		}
	case '[':
		for i := 0; dec.More(); i++ {
			if err := walkKeys(dec, joinPath(path, strconv.Itoa(i)), depth+1); err != nil {
				return err
			}
		}
	}
	if _, err := dec.Token(); err != nil { // the closing delimiter
		return errMalformed
	}
	return nil
}

func joinPath(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

// jsonError turns an encoding/json error into a client error.
func jsonError(err error, offset int64, embedded map[string]bool) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	var de *domain.Error
	switch {
	case errors.As(err, &se):
		return badJSON("malformed JSON at byte offset %d: %s", se.Offset, strings.TrimPrefix(se.Error(), "json: "))
	case errors.Is(err, io.ErrUnexpectedEOF):
		return badJSON("the JSON ends early, at byte offset %d", offset)
	case errors.As(err, &te):
		field := jsonFieldPath(te, embedded)
		if field == "" {
			return badJSON("the request body must be a JSON object")
		}
		return domain.Invalid(field, "must be %s, not %s", jsonTypeName(te.Type), jsonValueName(te.Value))
	case errors.As(err, &de):
		return err
	}
	const unknown = "json: unknown field "
	if msg := err.Error(); strings.HasPrefix(msg, unknown) {
		name := strings.Trim(strings.TrimPrefix(msg, unknown), `"`)
		return &httpError{status: http.StatusBadRequest, code: codeUnknownField, field: clip(name),
			message: "is not a field of this request"}
	}
	return badJSON("the request body is not valid JSON for this request")
}

// jsonFieldPath returns the JSON path of a type error, without the Go type
// names of embedded structs, which encoding/json puts in the path.
func jsonFieldPath(te *json.UnmarshalTypeError, embedded map[string]bool) string {
	parts := strings.Split(te.Field, ".")
	out := parts[:0]
	for _, p := range parts {
		if !embedded[p] {
			out = append(out, p)
		}
	}
	return strings.Join(out, ".")
}

// embeddedNames lists the type names of the structs embedded in t (a pointer
// to a struct), at any depth.
func embeddedNames(t reflect.Type) map[string]bool {
	names := map[string]bool{}
	var walk func(reflect.Type)
	walk = func(t reflect.Type) {
		for t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		if t.Kind() != reflect.Struct {
			return
		}
		for i := range t.NumField() {
			if f := t.Field(i); f.Anonymous {
				names[f.Name] = true
				walk(f.Type)
			}
		}
	}
	walk(t)
	return names
}

func jsonTypeName(t reflect.Type) string {
	if t == nil {
		return "a value of another type"
	}
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "an integer (within range)"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.Map, reflect.Struct:
		return "an object"
	case reflect.Pointer:
		return jsonTypeName(t.Elem())
	}
	return "a value of another type"
}

// jsonValueName names the JSON value encoding/json found ("string", "number 1.5").
func jsonValueName(v string) string {
	switch {
	case v == "":
		return "that value"
	case strings.HasPrefix(v, "number"):
		return clip(v)
	case v == "bool":
		return "a boolean"
	case v == "array", v == "object":
		return "an " + v
	}
	return "a " + v
}
