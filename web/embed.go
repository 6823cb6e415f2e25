// Package web holds the built web app (web/dist, made by `npm run build` or
// `make build`) for embedding in the binary. Before the app is built, dist
// holds only .keep and the server shows a placeholder page instead.
package web

import (
	"embed"
	"io/fs"
)

// Dist is the web/dist folder.
//
//go:embed all:dist
var Dist embed.FS

// App returns the built app's files, index.html at the root, or nil when the
// app has not been built (the server then serves its placeholder page).
func App() fs.FS {
	sub, err := fs.Sub(Dist, "dist")
	if err != nil {
		return nil
	}
	if _, err := fs.Stat(sub, "index.html"); err != nil {
		return nil
	}
	return sub
}
