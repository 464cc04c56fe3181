package cert

import (
	"bytes"
	"crypto/ed25519"
	"encoding/json"
	"testing"
	"time"
)

// FuzzCanonicalize: canonical output is valid JSON, and canonicalising it
// again changes nothing.
func FuzzCanonicalize(f *testing.F) {
	f.Add([]byte(`{"b":[1,2.50,"x"],"a":{"\u00e9":null,"e":true}}`))
	f.Add([]byte(`[1e-7,1E30,-0,"\u0000\t"]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		out, err := Canonicalize(data)
		if err != nil {
			return
		}
		if !json.Valid(out) {
			t.Fatalf("canonical form is not JSON: %q", out)
		}
		again, err := Canonicalize(out)
		if err != nil || !bytes.Equal(again, out) {
			t.Fatalf("not idempotent: %q -> %q (%v)", out, again, err)
		}
	})
}

// FuzzVerify: any file gives an answer, never a panic, and nothing but a
// genuine credential verifies.
func FuzzVerify(f *testing.F) {
	key := testKey(9)
	genuine, err := Issue(testClaim(), key)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(genuine)
	f.Add([]byte(`{"type":"OpenBadgeCredential","proof":{"type":"DataIntegrityProof","cryptosuite":"eddsa-jcs-2022","proofPurpose":"assertionMethod","verificationMethod":"did:key:z6Mk","proofValue":"z1"}}`))
	canon, _ := Canonicalize(genuine)
	now := issued.Add(time.Hour)
	f.Fuzz(func(t *testing.T, data []byte) {
		_, err := Verify(data, now, key.Public().(ed25519.PublicKey))
		if err == nil {
			c, cerr := Canonicalize(data)
			if cerr != nil || !bytes.Equal(c, canon) {
				t.Fatalf("a credential other than the genuine one verified: %q", data)
			}
		}
	})
}
