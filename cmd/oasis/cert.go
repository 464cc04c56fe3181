package main

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"oasis/engine/cert"
)

// maxCredential bounds the file read: credentials are a few kilobytes.
const maxCredential = 1 << 20

func runCert(ctx context.Context, env *cli, args []string) error {
	const use = "Usage: oasis cert verify FILE.json [--key KEY]\n\n" +
		"Checks a certificate's Open Badges credential offline: its signature, and\n" +
		"that it is in force today. KEY is the issuing organisation's public key\n" +
		"(z6Mk…, did:key:z6Mk…, or a file saved from https://SERVER/orgs/ORG/key);\n" +
		"without it the signature is checked against the key the credential names,\n" +
		"which proves the file is unchanged but not who signed it.\n\n" +
		"Exit status: 0 valid, 1 not valid (the reason is printed), 2 usage."
	if len(args) == 0 || args[0] != "verify" {
		return &exitError{code: 2, msg: use}
	}
	fs := flag.NewFlagSet("cert verify", flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	fs.Usage = func() { fmt.Fprintln(env.stderr, use) }
	keyArg := fs.String("key", "", "the issuing organisation's public key, or a file holding it")
	// Flags may come before or after the file.
	rest := args[1:]
	var files []string
	for len(rest) > 0 {
		if err := fs.Parse(rest); err != nil {
			return &exitError{code: 2}
		}
		rest = fs.Args()
		if len(rest) > 0 {
			files, rest = append(files, rest[0]), rest[1:]
		}
	}
	if len(files) != 1 {
		return &exitError{code: 2, msg: use}
	}
	var trusted ed25519.PublicKey
	if *keyArg != "" {
		k, err := readKey(*keyArg)
		if err != nil {
			return &exitError{code: 2, msg: "oasis cert verify: --key: " + err.Error()}
		}
		trusted = k
	}
	data, err := readCredential(files[0])
	if err != nil {
		return &exitError{code: 1, msg: "oasis cert verify: " + err.Error()}
	}
	v, err := cert.Verify(data, time.Now(), trusted)
	if err != nil {
		var p *cert.Problem
		if !errors.As(err, &p) {
			return err
		}
		fmt.Fprintf(env.stdout, "NOT VALID: %s\n", files[0])
		fmt.Fprintf(env.stdout, "  %s\n", p.Reason)
		if p.Hint != "" {
			fmt.Fprintf(env.stdout, "  %s\n", p.Hint)
		}
		if p.Signed {
			describe(env, v)
		}
		return &exitError{code: 1}
	}
	fmt.Fprintf(env.stdout, "VALID: %s\n", files[0])
	describe(env, v)
	if v.KeyMatched {
		fmt.Fprintf(env.stdout, "  Signed by the key you gave: %s\n", v.Key)
	} else {
		fmt.Fprintf(env.stdout, "  Signed by %s, the key the credential names.\n", v.Key)
		fmt.Fprintf(env.stdout, "  To be sure who signed it, compare that key with the organisation's at %s, or pass it with --key.\n", cert.KeyURL(v.IssuerID))
	}
	if v.ID != "" {
		fmt.Fprintf(env.stdout, "  Revocation is not recorded in the file: check %s\n", v.ID)
	}
	return nil
}

func describe(env *cli, v cert.Verified) {
	fmt.Fprintf(env.stdout, "  Holder:      %s\n", v.Holder)
	fmt.Fprintf(env.stdout, "  Course:      %s\n", v.Course)
	fmt.Fprintf(env.stdout, "  Certificate: %s\n", v.Title)
	fmt.Fprintf(env.stdout, "  Issued by:   %s\n", v.Issuer)
	fmt.Fprintf(env.stdout, "  Valid from:  %s\n", v.ValidFrom.Format("2 January 2006"))
	if v.ValidUntil != nil {
		fmt.Fprintf(env.stdout, "  Valid until: %s\n", v.ValidUntil.Format("2 January 2006"))
	}
}

func readCredential(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("cannot read %s: %w", path, unwrapPath(err))
	}
	defer f.Close()
	buf := make([]byte, maxCredential+1)
	n, err := f.Read(buf)
	for err == nil && n < len(buf) {
		var m int
		m, err = f.Read(buf[n:])
		n += m
	}
	if n > maxCredential {
		return nil, fmt.Errorf("%s is larger than 1 MB; a credential is a few kilobytes, so this is not one", path)
	}
	return buf[:n], nil
}

// readKey takes a key as text, or a file holding it (the JSON published
// at /orgs/ORG/key, or the key alone).
func readKey(arg string) (ed25519.PublicKey, error) {
	if k, err := cert.ParseKey(arg); err == nil {
		return k, nil
	}
	data, err := os.ReadFile(arg)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			_, perr := cert.ParseKey(arg)
			return nil, fmt.Errorf("%v, and there is no file of that name", perr)
		}
		return nil, unwrapPath(err)
	}
	var published struct {
		Key string `json:"public_key_multibase"`
	}
	if json.Unmarshal(data, &published) == nil && published.Key != "" {
		return cert.ParseKey(published.Key)
	}
	return cert.ParseKey(strings.TrimSpace(string(data)))
}

func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
