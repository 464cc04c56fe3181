package cert

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// The contexts of an Open Badges 3.0 credential.
const (
	contextVC = "https://www.w3.org/ns/credentials/v2"
	contextOB = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
)

// Proof parameters.
const (
	ProofType   = "DataIntegrityProof"
	Cryptosuite = "eddsa-jcs-2022"
)

// Claim is what a certificate says.
type Claim struct {
	// ID is the credential's URL: the certificate's public verify page.
	ID string
	// IssuerID is the organisation's URL; its public key is at IssuerID+"/key".
	IssuerID, IssuerName string
	Holder               string
	// Course is the achievement: its URL, name, description and criteria.
	CourseID, CourseName, CourseDescription, Criteria string
	// Title is the certificate's name.
	Title               string
	IssuedAt, ExpiresAt time.Time
	Evidence            []Evidence
}

// Evidence is one requirement and what met it.
type Evidence struct {
	Name      string `json:"name"`
	Narrative string `json:"narrative"`
}

// credential is the unsigned document, field for field as Open Badges 3.0
// names them.
type credential struct {
	Context           []string   `json:"@context"`
	ID                string     `json:"id"`
	Type              []string   `json:"type"`
	Issuer            profile    `json:"issuer"`
	ValidFrom         string     `json:"validFrom"`
	ValidUntil        string     `json:"validUntil,omitempty"`
	Name              string     `json:"name"`
	CredentialSubject subject    `json:"credentialSubject"`
	Evidence          []evidence `json:"evidence,omitempty"`
}

type profile struct {
	ID   string   `json:"id"`
	Type []string `json:"type"`
	Name string   `json:"name"`
}

type subject struct {
	Type        []string   `json:"type"`
	Identifier  []identity `json:"identifier"`
	Achievement struct {
		ID          string   `json:"id"`
		Type        []string `json:"type"`
		Name        string   `json:"name"`
		Description string   `json:"description"`
		Criteria    struct {
			Narrative string `json:"narrative"`
		} `json:"criteria"`
		AchievementType string `json:"achievementType"`
	} `json:"achievement"`
}

// identity names the holder in the clear: Open Badges' IdentityObject with
// hashed false.
type identity struct {
	Type         string `json:"type"`
	IdentityHash string `json:"identityHash"`
	IdentityType string `json:"identityType"`
	Hashed       bool   `json:"hashed"`
}

type evidence struct {
	Type      []string `json:"type"`
	Name      string   `json:"name"`
	Narrative string   `json:"narrative"`
}

// proof is a Data Integrity proof.
type proof struct {
	Context            any    `json:"@context,omitempty"`
	Type               string `json:"type"`
	Cryptosuite        string `json:"cryptosuite"`
	Created            string `json:"created"`
	VerificationMethod string `json:"verificationMethod"`
	ProofPurpose       string `json:"proofPurpose"`
	ProofValue         string `json:"proofValue,omitempty"`
}

// Issue returns the signed credential, as indented JSON.
func Issue(c Claim, key ed25519.PrivateKey) ([]byte, error) {
	doc := credential{
		Context:   []string{contextVC, contextOB},
		ID:        c.ID,
		Type:      []string{"VerifiableCredential", "OpenBadgeCredential"},
		Issuer:    profile{ID: c.IssuerID, Type: []string{"Profile"}, Name: c.IssuerName},
		ValidFrom: c.IssuedAt.UTC().Format(time.RFC3339),
		Name:      c.Title,
	}
	if !c.ExpiresAt.IsZero() {
		doc.ValidUntil = c.ExpiresAt.UTC().Format(time.RFC3339)
	}
	s := &doc.CredentialSubject
	s.Type = []string{"AchievementSubject"}
	s.Identifier = []identity{{Type: "IdentityObject", IdentityHash: c.Holder, IdentityType: "name", Hashed: false}}
	a := &s.Achievement
	a.ID, a.Type, a.Name, a.Description, a.AchievementType = c.CourseID, []string{"Achievement"}, c.CourseName, c.CourseDescription, "Certificate"
	a.Criteria.Narrative = c.Criteria
	for _, e := range c.Evidence {
		doc.Evidence = append(doc.Evidence, evidence{Type: []string{"Evidence"}, Name: e.Name, Narrative: e.Narrative})
	}
	unsigned, err := json.Marshal(doc)
	if err != nil {
		return nil, err
	}
	pub := key.Public().(ed25519.PublicKey)
	pf := proof{
		Type: ProofType, Cryptosuite: Cryptosuite,
		Created:            c.IssuedAt.UTC().Format(time.RFC3339),
		VerificationMethod: DIDKey(pub) + "#" + Multibase(pub),
		ProofPurpose:       "assertionMethod",
	}
	pf.Context = doc.Context
	options, err := json.Marshal(pf)
	if err != nil {
		return nil, err
	}
	data, err := hashData(options, unsigned)
	if err != nil {
		return nil, err
	}
	pf.ProofValue = "z" + base58(ed25519.Sign(key, data))
	pf.Context = nil
	var signed bytes.Buffer
	signed.Write(unsigned[:len(unsigned)-1])
	signed.WriteString(`,"proof":`)
	pj, err := json.Marshal(pf)
	if err != nil {
		return nil, err
	}
	signed.Write(pj)
	signed.WriteByte('}')
	var out bytes.Buffer
	if err := json.Indent(&out, signed.Bytes(), "", "  "); err != nil {
		return nil, err
	}
	out.WriteByte('\n')
	return out.Bytes(), nil
}

// hashData is what eddsa-jcs-2022 signs: the SHA-256 of the canonical
// proof options followed by the SHA-256 of the canonical document.
func hashData(options, document []byte) ([]byte, error) {
	co, err := Canonicalize(options)
	if err != nil {
		return nil, err
	}
	cd, err := Canonicalize(document)
	if err != nil {
		return nil, err
	}
	ho, hd := sha256.Sum256(co), sha256.Sum256(cd)
	return append(ho[:], hd[:]...), nil
}

// Verified is what a checked credential says.
type Verified struct {
	ID, Title  string
	Holder     string
	Course     string
	Issuer     string
	IssuerID   string
	ValidFrom  time.Time
	ValidUntil *time.Time
	Key        string // the signing key, multibase
	KeyMatched bool   // the caller's trusted key signed it
}

// Problem is why a credential failed: what is wrong, and what to do.
type Problem struct {
	Reason string
	Hint   string
	// Signed is true when the signature itself is good and the failure
	// is about the dates or the key.
	Signed bool
}

func (p *Problem) Error() string {
	if p.Hint == "" {
		return p.Reason
	}
	return p.Reason + " " + p.Hint
}

// Error kinds callers can test with errors.Is.
var (
	ErrTampered  = errors.New("the signature does not match")
	ErrExpired   = errors.New("the credential has expired")
	ErrNotYet    = errors.New("the credential is not valid yet")
	ErrWrongKey  = errors.New("signed by another key")
	ErrMalformed = errors.New("not a signed Open Badges credential")
)

// checkError wraps a Problem with its kind.
type checkError struct {
	kind error
	*Problem
}

func (e *checkError) Unwrap() []error { return []error{e.kind, e.Problem} }

func fail(kind error, signed bool, reason, hint string) error {
	return &checkError{kind: kind, Problem: &Problem{Reason: reason, Hint: hint, Signed: signed}}
}

// Verify checks a credential's proof and dates at the time now. With a
// trusted key, the credential must also have been signed by it. What the
// credential says is returned even when a check fails after the
// signature was found good (an expired certificate still names its
// holder).
func Verify(data []byte, now time.Time, trusted ed25519.PublicKey) (Verified, error) {
	var v Verified
	parsed, err := parseJSON(data)
	if err != nil {
		return v, fail(ErrMalformed, false, "The file is not valid JSON ("+err.Error()+").", "Check you have the credential.json file as downloaded, not a copy edited by hand.")
	}
	doc, ok := parsed.(object)
	if !ok {
		return v, fail(ErrMalformed, false, "The file is JSON but not a credential (it is not an object).", "Use the credential.json downloaded from the certificate's page.")
	}
	if !hasType(doc["type"], "OpenBadgeCredential") {
		return v, fail(ErrMalformed, false, `The credential's "type" does not include OpenBadgeCredential.`, "This tool checks Open Badges 3.0 credentials issued by Oasis.")
	}
	rawProof, ok := doc["proof"].(object)
	if !ok {
		return v, fail(ErrMalformed, false, `The credential has no "proof" object, so it is not signed.`, "Download the credential again from the certificate's page.")
	}
	str := func(o object, k string) string { s, _ := o[k].(string); return s }
	if t := str(rawProof, "type"); t != ProofType {
		return v, fail(ErrMalformed, false, fmt.Sprintf("The proof's type is %q; only %s is supported.", t, ProofType), "")
	}
	if cs := str(rawProof, "cryptosuite"); cs != Cryptosuite {
		return v, fail(ErrMalformed, false, fmt.Sprintf("The proof's cryptosuite is %q; only %s is supported.", cs, Cryptosuite), "")
	}
	if p := str(rawProof, "proofPurpose"); p != "assertionMethod" {
		return v, fail(ErrMalformed, false, fmt.Sprintf("The proof's purpose is %q, not assertionMethod.", p), "")
	}
	vm := str(rawProof, "verificationMethod")
	if !strings.HasPrefix(vm, "did:key:") {
		return v, fail(ErrMalformed, false, fmt.Sprintf("The proof's verificationMethod %q is not a did:key.", clip(vm)), "Oasis signs with a did:key that carries the public key.")
	}
	pub, err := ParseKey(vm)
	if err != nil {
		return v, fail(ErrMalformed, false, "The proof's verificationMethod: "+err.Error()+".", "")
	}
	pv := str(rawProof, "proofValue")
	sig, err := unbase58(strings.TrimPrefix(pv, "z"))
	if !strings.HasPrefix(pv, "z") || err != nil || len(sig) != ed25519.SignatureSize {
		return v, fail(ErrTampered, false, "The proof's proofValue is not an Ed25519 signature in base58btc (z…).", "The file was changed after it was signed; ask the holder for the original.")
	}

	// The proof options are the proof without its value, with the
	// document's @context; the document is the credential without proof.
	options := object{}
	for k, val := range rawProof {
		if k != "proofValue" {
			options[k] = val
		}
	}
	if _, ok := options["@context"]; !ok {
		options["@context"] = doc["@context"]
	}
	unsigned := object{}
	for k, val := range doc {
		if k != "proof" {
			unsigned[k] = val
		}
	}
	var co, cd bytes.Buffer
	if err := writeCanonical(&co, options); err != nil {
		return v, fail(ErrMalformed, false, err.Error(), "")
	}
	if err := writeCanonical(&cd, unsigned); err != nil {
		return v, fail(ErrMalformed, false, err.Error(), "")
	}
	ho, hd := sha256.Sum256(co.Bytes()), sha256.Sum256(cd.Bytes())
	if !ed25519.Verify(pub, append(ho[:], hd[:]...), sig) {
		return v, fail(ErrTampered, false, "The signature does not match the credential's contents: it was changed after it was signed.",
			"Do not accept it. Ask the holder for the original file, or check the certificate's verify page.")
	}

	// Signed: read what it says.
	v.Key = Multibase(pub)
	v.ID, v.Title = str(doc, "id"), str(doc, "name")
	if iss, ok := doc["issuer"].(object); ok {
		v.Issuer, v.IssuerID = str(iss, "name"), str(iss, "id")
	} else {
		v.IssuerID = str(doc, "issuer")
	}
	if sub, ok := doc["credentialSubject"].(object); ok {
		if ids, ok := sub["identifier"].([]any); ok {
			for _, i := range ids {
				if io, ok := i.(object); ok && str(io, "identityType") == "name" {
					v.Holder = str(io, "identityHash")
				}
			}
		}
		if a, ok := sub["achievement"].(object); ok {
			v.Course = str(a, "name")
		}
	}
	from, err := time.Parse(time.RFC3339, str(doc, "validFrom"))
	if err != nil {
		return v, fail(ErrMalformed, true, `The credential's "validFrom" is not a date and time (RFC 3339).`, "")
	}
	v.ValidFrom = from
	if s := str(doc, "validUntil"); s != "" {
		until, err := time.Parse(time.RFC3339, s)
		if err != nil {
			return v, fail(ErrMalformed, true, `The credential's "validUntil" is not a date and time (RFC 3339).`, "")
		}
		v.ValidUntil = &until
	}
	if trusted != nil {
		if !pub.Equal(trusted) {
			return v, fail(ErrWrongKey, true, fmt.Sprintf("The credential is signed, but by the key %s, not by the key you gave (%s).", v.Key, Multibase(trusted)),
				"It was not issued by the organisation whose key you gave. Check you have that organisation's key from "+KeyURL(v.IssuerID)+".")
		}
		v.KeyMatched = true
	}
	if now.Before(from) {
		return v, fail(ErrNotYet, true, fmt.Sprintf("The credential is not valid until %s.", from.Format("2 January 2006 15:04 MST")), "Check this computer's clock.")
	}
	if v.ValidUntil != nil && !now.Before(*v.ValidUntil) {
		return v, fail(ErrExpired, true, fmt.Sprintf("The signature is good, but the credential expired on %s.", v.ValidUntil.Format("2 January 2006")),
			"The holder needs to renew the certificate.")
	}
	return v, nil
}

// KeyURL is where the organisation that issued a credential publishes its
// public key.
func KeyURL(issuerID string) string {
	if issuerID == "" {
		return "the organisation"
	}
	return strings.TrimSuffix(issuerID, "/") + "/key"
}

func hasType(v any, want string) bool {
	switch t := v.(type) {
	case string:
		return t == want
	case []any:
		for _, e := range t {
			if e == want {
				return true
			}
		}
	}
	return false
}
