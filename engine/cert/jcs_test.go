package cert

import (
	"strings"
	"testing"
)

func TestCanonicalizeRFC8785(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		// RFC 8785 section 3.2.2.
		{`{
  "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
  "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
  "literals": [null, true, false]
}`, `{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\u000f\nA'B\"\\\\\"/"}`},
		// RFC 8785 section 3.2.3: sorting by UTF-16 code units.
		{`{"\u20ac":"Euro Sign","\r":"Carriage Return","\ufb33":"Hebrew Letter Dalet With Dagesh","1":"One","\ud83d\ude00":"Emoji: Grinning Face","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis"}`,
			`{"\r":"Carriage Return","1":"One","` + "\u0080" + `":"Control","ö":"Latin Small Letter O With Diaeresis","€":"Euro Sign","😀":"Emoji: Grinning Face","` + "\ufb33" + `":"Hebrew Letter Dalet With Dagesh"}`},
		{`-0`, `0`},
		{`[1e-7, 1e21, 1e20, 123456789012345680000, 0.1, -1.5e-9, 5e-324]`, `[1e-7,1e+21,100000000000000000000,123456789012345680000,0.1,-1.5e-9,5e-324]`},
		{` "<&>" `, `"<&>"`},
	} {
		got, err := Canonicalize([]byte(tc.in))
		if err != nil {
			t.Errorf("Canonicalize(%s): %v", tc.in, err)
			continue
		}
		if string(got) != tc.want {
			t.Errorf("Canonicalize(%s)\n got %s\nwant %s", tc.in, got, tc.want)
		}
	}
}

func TestCanonicalizeRefuses(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`{"a":1,"a":2}`, `"a" appears twice`},
		{`[1e400]`, `too large`},
		{`{"a":1} {}`, `more than one`},
		{"\"\xff\"", `UTF-8`},
		{`{"a":`, `1:6`},
		{strings.Repeat("[", 100) + strings.Repeat("]", 100), `nested`},
	} {
		_, err := Canonicalize([]byte(tc.in))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Canonicalize(%q) = %v, want an error with %q", tc.in, err, tc.want)
		}
	}
}
