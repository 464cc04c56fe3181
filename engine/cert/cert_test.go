package cert

import (
	"bytes"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"
)

var issued = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)

func testKey(seed byte) ed25519.PrivateKey {
	return ed25519.NewKeyFromSeed(bytes.Repeat([]byte{seed}, ed25519.SeedSize))
}

func testClaim() Claim {
	return Claim{
		ID:         "https://oasis.example/verify/c_7QK2M4",
		IssuerID:   "https://oasis.example/orgs/o_EAST",
		IssuerName: "Eastside Community Services",
		Holder:     "Sam Lee",
		CourseID:   "https://oasis.example/courses/sbcm-basic", CourseName: "Strengths-Based Case Management: Basic",
		CourseDescription: "The foundations.", Criteria: "Pass every quiz and practice requirement.",
		Title:    "Certificate in Strengths-Based Case Management (Basic)",
		IssuedAt: issued, ExpiresAt: issued.AddDate(2, 0, 0),
		Evidence: []Evidence{{Name: "module principles: quiz", Narrative: "80% on 23 Nov 2026"}},
	}
}

func issue(t *testing.T, key ed25519.PrivateKey) []byte {
	t.Helper()
	data, err := Issue(testClaim(), key)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestIssueAndVerify(t *testing.T) {
	key := testKey(1)
	data := issue(t, key)
	var doc map[string]any
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatalf("credential is not JSON: %v", err)
	}
	if types, _ := doc["type"].([]any); len(types) != 2 || types[1] != "OpenBadgeCredential" {
		t.Errorf("type = %v", doc["type"])
	}
	pf := doc["proof"].(map[string]any)
	if pf["cryptosuite"] != Cryptosuite || pf["type"] != ProofType || !strings.HasPrefix(pf["verificationMethod"].(string), "did:key:z6Mk") {
		t.Errorf("proof = %v", pf)
	}
	v, err := Verify(data, issued.Add(time.Hour), key.Public().(ed25519.PublicKey))
	if err != nil {
		t.Fatalf("genuine credential refused: %v", err)
	}
	if v.Holder != "Sam Lee" || v.Course != "Strengths-Based Case Management: Basic" || v.Issuer != "Eastside Community Services" || !v.KeyMatched {
		t.Errorf("verified = %+v", v)
	}
	if v.ValidUntil == nil || !v.ValidUntil.Equal(issued.AddDate(2, 0, 0)) {
		t.Errorf("valid until = %v", v.ValidUntil)
	}
	// Re-indenting or reordering members does not change the canonical form.
	var compact bytes.Buffer
	json.Compact(&compact, data)
	if _, err := Verify(compact.Bytes(), issued.Add(time.Hour), nil); err != nil {
		t.Errorf("compacted credential refused: %v", err)
	}
}

// TestOneCharacterTampered changes each significant character of a
// credential in turn; not one change may verify.
func TestOneCharacterTampered(t *testing.T) {
	key := testKey(2)
	data := issue(t, key)
	now := issued.Add(time.Hour)
	checked := 0
	for i, c := range data {
		if c == ' ' || c == '\n' {
			continue
		}
		edited := bytes.Clone(data)
		edited[i] = replacement(c)
		_, err := Verify(edited, now, nil)
		if err == nil {
			t.Fatalf("credential with byte %d changed from %q to %q verified:\n%s", i, c, edited[i], edited)
		}
		checked++
	}
	if checked < 1000 {
		t.Fatalf("only %d characters checked", checked)
	}
	// The named field people would edit: the holder.
	edited := bytes.Replace(data, []byte(`"Sam Lee"`), []byte(`"Sam Lea"`), 1)
	_, err := Verify(edited, now, nil)
	if !errors.Is(err, ErrTampered) {
		t.Fatalf("holder changed: err = %v, want ErrTampered", err)
	}
	if !strings.Contains(err.Error(), "changed after it was signed") {
		t.Errorf("error does not explain: %v", err)
	}
}

func replacement(c byte) byte {
	switch {
	case c >= 'a' && c < 'z', c >= 'A' && c < 'Z', c >= '0' && c < '9':
		return c + 1
	case c == 'z', c == 'Z', c == '9':
		return c - 1
	case c == '"':
		return '\''
	default:
		return 'x'
	}
}

func TestWrongKey(t *testing.T) {
	data := issue(t, testKey(3))
	other := testKey(4).Public().(ed25519.PublicKey)
	v, err := Verify(data, issued.Add(time.Hour), other)
	if !errors.Is(err, ErrWrongKey) {
		t.Fatalf("err = %v, want ErrWrongKey", err)
	}
	var p *Problem
	if !errors.As(err, &p) || !p.Signed || !strings.Contains(p.Reason, Multibase(other)) {
		t.Errorf("problem = %+v", p)
	}
	if v.KeyMatched {
		t.Error("KeyMatched with the wrong key")
	}
	// A credential re-signed by an impostor's own key verifies only as
	// "signed by someone": pinning the real key catches it.
	impostor, err := Issue(testClaim(), testKey(5))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Verify(impostor, issued.Add(time.Hour), testKey(3).Public().(ed25519.PublicKey)); !errors.Is(err, ErrWrongKey) {
		t.Errorf("impostor with pinned key: err = %v", err)
	}
}

func TestDates(t *testing.T) {
	key := testKey(6)
	data := issue(t, key)
	v, err := Verify(data, issued.AddDate(2, 0, 1), nil)
	if !errors.Is(err, ErrExpired) || v.Holder != "Sam Lee" {
		t.Errorf("after expiry: %v, %+v", err, v)
	}
	if _, err := Verify(data, issued.Add(-time.Minute), nil); !errors.Is(err, ErrNotYet) {
		t.Errorf("before issue: %v", err)
	}
}

func TestMalformed(t *testing.T) {
	for name, in := range map[string]string{
		"not json":  `{"type": [`,
		"array":     `[1,2]`,
		"no proof":  `{"type":["VerifiableCredential","OpenBadgeCredential"]}`,
		"not badge": `{"type":["VerifiableCredential"],"proof":{}}`,
		"dup":       `{"type":"OpenBadgeCredential","type":"OpenBadgeCredential"}`,
		"bad key":   `{"type":"OpenBadgeCredential","proof":{"type":"DataIntegrityProof","cryptosuite":"eddsa-jcs-2022","proofPurpose":"assertionMethod","verificationMethod":"did:key:zQ3s","proofValue":"z1"}}`,
	} {
		_, err := Verify([]byte(in), issued, nil)
		var p *Problem
		if !errors.As(err, &p) || p.Reason == "" {
			t.Errorf("%s: err = %v", name, err)
		}
	}
}

func TestKeyRoundTrip(t *testing.T) {
	pub := testKey(7).Public().(ed25519.PublicKey)
	mb := Multibase(pub)
	if !strings.HasPrefix(mb, "z6Mk") {
		t.Fatalf("multibase = %s", mb)
	}
	for _, s := range []string{mb, DIDKey(pub), DIDKey(pub) + "#" + mb, " " + mb + "\n"} {
		got, err := ParseKey(s)
		if err != nil || !got.Equal(pub) {
			t.Errorf("ParseKey(%q) = %x, %v", s, got, err)
		}
	}
	for _, s := range []string{"", "6Mk", "z0OIl", "zQ3shokFTS3brHcDQrn82RUDfCZESWL1ZdCEJwekUDPQiYBme"} {
		if _, err := ParseKey(s); err == nil {
			t.Errorf("ParseKey(%q) accepted", s)
		}
	}
}

// TestDIDKeyVector checks the encoding against the did:key specification's
// test vector for an Ed25519 key.
func TestDIDKeyVector(t *testing.T) {
	const did = "did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp"
	pub, err := ParseKey(did)
	if err != nil {
		t.Fatal(err)
	}
	if DIDKey(pub) != did {
		t.Errorf("round trip = %s", DIDKey(pub))
	}
}
