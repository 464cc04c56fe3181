package web

import (
	"bytes"
	"fmt"
	"net/http"

	"rsc.io/qr"
)

// qrSVG draws text as a QR code in SVG: one path of unit squares, with
// the four-module quiet zone scanners need, sized by the page that shows
// it. Medium error correction survives a crease or a smudge on paper.
func qrSVG(text string) ([]byte, error) {
	code, err := qr.Encode(text, qr.M)
	if err != nil {
		return nil, err
	}
	const quiet = 4
	n := code.Size + 2*quiet
	var b bytes.Buffer
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" shape-rendering="crispEdges" role="img"><title>QR code</title><rect width="%d" height="%d" fill="#fff"/><path fill="#000" d="`, n, n, n, n)
	for y := 0; y < code.Size; y++ {
		for x := 0; x < code.Size; x++ {
			if code.Black(x, y) {
				fmt.Fprintf(&b, "M%d %dh1v1h-1z", x+quiet, y+quiet)
			}
		}
	}
	b.WriteString(`"/></svg>`)
	return b.Bytes(), nil
}

// handleVerifyQR is the QR code of a certificate's verify address, for
// the printed certificate: scanning it opens the verify page.
func (s *Server) handleVerifyQR(w http.ResponseWriter, r *http.Request) {
	if s.limited(w, r, s.verifies, clientIP(r)) {
		return
	}
	p, err := s.publicStatus(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if p.Status == "unknown" {
		s.fail(w, r, errNotFound("No certificate "+p.ID+" was issued here."))
		return
	}
	svg, err := qrSVG(s.baseURL(r) + "/verify/" + p.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "image/svg+xml")
	w.Header().Set("Cache-Control", "public, max-age=86400")
	w.Write(svg)
}
