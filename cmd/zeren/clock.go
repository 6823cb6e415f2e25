package main

import (
	"errors"
	"os"
	"time"

	// The zone database inside the binary: a static CGO_ENABLED=0 build on a
	// machine without /usr/share/zoneinfo still knows Asia/Shanghai.
	_ "time/tzdata"

	"github.com/zeren-edu/zeren/internal/domain"
)

// setTZ is the bureau's time zone: the one zone in which zeren takes
// "today", period boundaries and deadlines from the clock, whatever the
// machine's zone is.
var setTZ = setting{"tz", "ZEREN_TZ", "the bureau's time zone, an IANA name (default " + domain.DefaultTimeZone +
	"): today's date, period boundaries and deadlines follow it, not the machine's zone"}

// checkTZ loads a zone named by --tz or ZEREN_TZ.
func checkTZ(v string) (*time.Location, error) {
	loc, err := domain.LoadTimeZone(v)
	var de *domain.Error
	if errors.As(err, &de) {
		return nil, errors.New(de.Message)
	}
	return loc, err
}

// zoneOf resolves the zone of the commands with their own small flag sets
// (`zeren report`): the --tz value given, else ZEREN_TZ, else the default.
func zoneOf(flagValue string) (*time.Location, error) {
	v, src := flagValue, "--tz"
	if v == "" {
		v, src = os.Getenv(setTZ.env), setTZ.env
	}
	if v == "" {
		v = domain.DefaultTimeZone
	}
	loc, err := checkTZ(v)
	if err != nil {
		return nil, usagef("%s: %v", src, err)
	}
	return loc, nil
}
