package web

import (
	"embed"
	"io/fs"
	"net/http"
)

//go:embed static
var staticFiles embed.FS

func staticFS() fs.FS {
	sub, err := fs.Sub(staticFiles, "static")
	if err != nil {
		panic(err) // the embedded directory always exists
	}
	return sub
}

// staticHandler serves the UI's files. They change with every release, so
// browsers revalidate them rather than keep a stale copy.
func staticHandler() http.Handler {
	files := http.StripPrefix("/static/", http.FileServerFS(staticFS()))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-cache")
		files.ServeHTTP(w, r)
	})
}

// serveIndex serves the single page of the UI.
func serveIndex(w http.ResponseWriter, r *http.Request) {
	page, err := fs.ReadFile(staticFS(), "index.html")
	if err != nil {
		http.Error(w, "the UI is missing from this build", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Write(page)
}
