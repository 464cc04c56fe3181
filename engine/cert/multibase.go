package cert

import (
	"crypto/ed25519"
	"errors"
	"fmt"
	"math/big"
	"strings"
)

const base58Alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"

// ed25519Codec is the multicodec prefix of an Ed25519 public key (0xed,
// as a varint).
var ed25519Codec = []byte{0xed, 0x01}

// base58 encodes bytes in the Bitcoin alphabet.
func base58(b []byte) string {
	zeros := 0
	for zeros < len(b) && b[zeros] == 0 {
		zeros++
	}
	n := new(big.Int).SetBytes(b)
	base, mod := big.NewInt(58), new(big.Int)
	var out []byte
	for n.Sign() > 0 {
		n.DivMod(n, base, mod)
		out = append(out, base58Alphabet[mod.Int64()])
	}
	for range zeros {
		out = append(out, '1')
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return string(out)
}

// unbase58 decodes base58btc text.
func unbase58(s string) ([]byte, error) {
	if len(s) > 256 {
		return nil, errors.New("too long")
	}
	n := new(big.Int)
	base := big.NewInt(58)
	zeros := 0
	for zeros < len(s) && s[zeros] == '1' {
		zeros++
	}
	for _, c := range s {
		i := strings.IndexRune(base58Alphabet, c)
		if i < 0 {
			return nil, fmt.Errorf("%q is not a base58 character", c)
		}
		n.Mul(n, base)
		n.Add(n, big.NewInt(int64(i)))
	}
	return append(make([]byte, zeros), n.Bytes()...), nil
}

// Multibase returns the public key as did:key writes it: "z" (base58btc)
// and the multicodec-prefixed key, "z6Mk…".
func Multibase(pub ed25519.PublicKey) string {
	return "z" + base58(append(append([]byte{}, ed25519Codec...), pub...))
}

// DIDKey returns the did:key of a public key.
func DIDKey(pub ed25519.PublicKey) string { return "did:key:" + Multibase(pub) }

// ParseKey reads a public key written as "z6Mk…", "did:key:z6Mk…" or a
// did:key verification method "did:key:z6Mk…#z6Mk…".
func ParseKey(s string) (ed25519.PublicKey, error) {
	s = strings.TrimSpace(s)
	s = strings.TrimPrefix(s, "did:key:")
	if i := strings.IndexByte(s, '#'); i >= 0 {
		s = s[:i]
	}
	if !strings.HasPrefix(s, "z") {
		return nil, fmt.Errorf("%q is not a multibase key: it should start with z6Mk", clip(s))
	}
	b, err := unbase58(s[1:])
	if err != nil {
		return nil, fmt.Errorf("%q is not a multibase key: %v", clip(s), err)
	}
	if len(b) != len(ed25519Codec)+ed25519.PublicKeySize || b[0] != ed25519Codec[0] || b[1] != ed25519Codec[1] {
		return nil, fmt.Errorf("%q is not an Ed25519 public key (z6Mk…)", clip(s))
	}
	return ed25519.PublicKey(b[2:]), nil
}

// clip shortens text quoted in an error.
func clip(s string) string {
	if len(s) > 60 {
		return s[:57] + "…"
	}
	return s
}
