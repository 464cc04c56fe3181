// Package cert signs and verifies certificates as Open Badges 3.0
// credentials.
//
// A certificate is an OpenBadgeCredential (a W3C Verifiable Credential)
// secured with a Data Integrity proof of the eddsa-jcs-2022 cryptosuite:
// the document and the proof's options are canonicalised with the JSON
// Canonicalization Scheme (RFC 8785), hashed with SHA-256, and the two
// hashes signed with the organisation's Ed25519 key. The proof names its
// key as a did:key, so a credential can be checked offline with nothing
// but the file; pinning the organisation's published key (Verify's
// trusted argument, `oasis cert verify --key`) also proves who signed it.
//
// Canonicalize is the package's parser: it reads any JSON, refuses
// duplicate member names, and writes the canonical form. It is fuzzed.
package cert
