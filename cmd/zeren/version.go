package main

import (
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
)

func versionCmd(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		fmt.Fprintf(stderr, "zeren version: unexpected argument %q\n", clip(args[0]))
		return exitUsage
	}
	fmt.Fprintf(stdout, "zeren %s\n", version)
	fmt.Fprintf(stdout, "revision %s\n", revision())
	fmt.Fprintf(stdout, "go %s %s/%s\n", runtime.Version(), runtime.GOOS, runtime.GOARCH)
	return exitOK
}

// revision is the VCS commit the binary was built from, as the Go toolchain
// recorded it ("unknown" when built without VCS information, e.g. -buildvcs=false).
func revision() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	var rev, when string
	modified := false
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.time":
			when = s.Value
		case "vcs.modified":
			modified = s.Value == "true"
		}
	}
	if rev == "" {
		return "unknown"
	}
	if when != "" {
		rev += " (" + when + ")"
	}
	if modified {
		rev += " with local changes"
	}
	return rev
}
