package audit

import (
	"bufio"
	"encoding/json"
	"errors"
	"io"

	"github.com/zeren-edu/zeren/internal/domain"
)

// WriteJSONL writes e as one line of JSON, the format of an exported trail
// (`zeren audit export`), which ReadJSONL reads back for verification.
func WriteJSONL(w io.Writer, e Event) error {
	b, err := json.Marshal(e)
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

// ReadJSONL returns an iterator over the events of an exported trail, in the
// form Verify takes. Unknown fields are refused; an event that does not
// decode is an error naming its position.
func ReadJSONL(r io.Reader) func() (Event, bool, error) {
	dec := json.NewDecoder(bufio.NewReader(r))
	dec.DisallowUnknownFields()
	n := 0
	return func() (Event, bool, error) {
		var e Event
		n++
		if err := dec.Decode(&e); err != nil {
			if errors.Is(err, io.EOF) {
				return Event{}, false, nil
			}
			return Event{}, false, domain.Invalid("events", "event %d: %v", n, err)
		}
		return e, true, nil
	}
}
