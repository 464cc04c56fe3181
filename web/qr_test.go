package web

import (
	"bytes"
	"fmt"
	"testing"

	"rsc.io/qr"
)

// TestQRSVG checks the drawing module by module against the code, and
// that the three finder patterns sit in their corners, as scanners need.
func TestQRSVG(t *testing.T) {
	const text = "https://oasis.example/verify/c_7qxv8sz2r22w9cr9"
	svg, err := qrSVG(text)
	if err != nil {
		t.Fatal(err)
	}
	code, _ := qr.Encode(text, qr.M)
	black := 0
	for y := 0; y < code.Size; y++ {
		for x := 0; x < code.Size; x++ {
			square := []byte(fmt.Sprintf("M%d %dh1v1h-1z", x+4, y+4))
			if code.Black(x, y) {
				black++
				if !bytes.Contains(svg, square) {
					t.Fatalf("module %d,%d is black in the code but not drawn", x, y)
				}
			}
		}
	}
	if got := bytes.Count(svg, []byte("h1v1h-1z")); got != black {
		t.Errorf("drew %d squares for %d black modules", got, black)
	}
	if want := fmt.Sprintf(`viewBox="0 0 %d %d"`, code.Size+8, code.Size+8); !bytes.Contains(svg, []byte(want)) {
		t.Errorf("no %s in %s", want, svg[:120])
	}
	// A finder pattern: a 7x7 ring with a 3x3 centre, in three corners.
	for _, c := range [][2]int{{0, 0}, {code.Size - 7, 0}, {0, code.Size - 7}} {
		for dy := 0; dy < 7; dy++ {
			for dx := 0; dx < 7; dx++ {
				ring := dx == 0 || dy == 0 || dx == 6 || dy == 6
				centre := dx >= 2 && dx <= 4 && dy >= 2 && dy <= 4
				if code.Black(c[0]+dx, c[1]+dy) != (ring || centre) {
					t.Fatalf("no finder pattern at %v", c)
				}
			}
		}
	}
}
