package main

import (
	"bytes"
	"crypto/ed25519"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"oasis/engine/cert"
)

func credentialFile(t *testing.T, key ed25519.PrivateKey, issued time.Time) (string, []byte) {
	t.Helper()
	data, err := cert.Issue(cert.Claim{
		ID: "https://oasis.example/verify/c_TEST", IssuerID: "https://oasis.example/orgs/o_EAST", IssuerName: "Eastside",
		Holder: "Sam Lee", CourseID: "https://oasis.example/courses/test-short", CourseName: "Test: a short course",
		Title: "Test Certificate", IssuedAt: issued, ExpiresAt: issued.AddDate(1, 0, 0),
	}, key)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "credential.json")
	os.WriteFile(path, data, 0o644)
	return path, data
}

func TestCertVerify(t *testing.T) {
	key := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{1}, 32))
	pub := cert.Multibase(key.Public().(ed25519.PublicKey))
	path, data := credentialFile(t, key, time.Now().Add(-time.Hour))

	out, errs, code := runCmd(t, "", "cert", "verify", path, "--key", pub)
	if code != 0 || !strings.HasPrefix(out, "VALID") || !strings.Contains(out, "Sam Lee") || !strings.Contains(out, "the key you gave") {
		t.Fatalf("genuine: %d\n%s%s", code, out, errs)
	}
	// The key as the server publishes it, saved to a file; flags first.
	keyFile := filepath.Join(t.TempDir(), "key.json")
	os.WriteFile(keyFile, []byte(`{"organisation":"Eastside","public_key_multibase":"`+pub+`"}`), 0o644)
	if out, errs, code := runCmd(t, "", "cert", "verify", "--key", keyFile, path); code != 0 {
		t.Fatalf("key file: %d\n%s%s", code, out, errs)
	}
	// Without a key: valid, with advice to compare the key.
	if out, _, code := runCmd(t, "", "cert", "verify", path); code != 0 || !strings.Contains(out, "/orgs/o_EAST/key") {
		t.Errorf("no key: %d\n%s", code, out)
	}

	// One character edited: not valid, and why.
	tampered := filepath.Join(t.TempDir(), "tampered.json")
	os.WriteFile(tampered, bytes.Replace(data, []byte("Sam Lee"), []byte("Sam Lea"), 1), 0o644)
	out, _, code = runCmd(t, "", "cert", "verify", tampered, "--key", pub)
	if code != 1 || !strings.HasPrefix(out, "NOT VALID") || !strings.Contains(out, "changed after it was signed") {
		t.Errorf("tampered: %d\n%s", code, out)
	}

	// The wrong key.
	other := cert.Multibase(ed25519.NewKeyFromSeed(bytes.Repeat([]byte{2}, 32)).Public().(ed25519.PublicKey))
	out, _, code = runCmd(t, "", "cert", "verify", path, "--key", other)
	if code != 1 || !strings.Contains(out, "not by the key you gave") {
		t.Errorf("wrong key: %d\n%s", code, out)
	}

	// Expired.
	old, _ := credentialFile(t, key, time.Now().AddDate(-2, 0, 0))
	out, _, code = runCmd(t, "", "cert", "verify", old, "--key", pub)
	if code != 1 || !strings.Contains(out, "expired") || !strings.Contains(out, "Sam Lee") {
		t.Errorf("expired: %d\n%s", code, out)
	}

	// Bad input: a clear message, the right exit status.
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"cert"}, 2, "Usage"},
		{[]string{"cert", "verify"}, 2, "Usage"},
		{[]string{"cert", "verify", filepath.Join(t.TempDir(), "none.json")}, 1, "no such file"},
		{[]string{"cert", "verify", path, "--key", "not-a-key"}, 2, "--key"},
	} {
		out, errs, code := runCmd(t, "", tc.args...)
		if code != tc.code || !strings.Contains(out+errs, tc.want) {
			t.Errorf("%v: %d\n%s%s", tc.args, code, out, errs)
		}
	}
	notJSON := filepath.Join(t.TempDir(), "x.json")
	os.WriteFile(notJSON, []byte("{\n  \"type\": [\n"), 0o644)
	if out, _, code := runCmd(t, "", "cert", "verify", notJSON); code != 1 || !strings.Contains(out, "not valid JSON") || !strings.Contains(out, "3:") {
		t.Errorf("not JSON: %d\n%s", code, out)
	}
}
