package cert

import (
	"crypto/ed25519"
	"testing"
	"time"
)

func BenchmarkIssue(b *testing.B) {
	key := testKey(1)
	c := testClaim()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Issue(c, key); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerify(b *testing.B) {
	key := testKey(1)
	data, err := Issue(testClaim(), key)
	if err != nil {
		b.Fatal(err)
	}
	pub := key.Public().(ed25519.PublicKey)
	now := issued.Add(time.Hour)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Verify(data, now, pub); err != nil {
			b.Fatal(err)
		}
	}
}
