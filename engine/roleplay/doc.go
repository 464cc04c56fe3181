// Package roleplay runs a role play: a Run holds the state of one
// conversation with a simulated client and Step applies one trainee
// response to it, returning the client's next Turn.
//
// A Run knows nothing about terminals, websockets or how a response was
// scored: hosts (the `oasis play` command, the web server) show the turns,
// score free text with whatever scorer they have, and pass the labels in.
// A Run is deterministic: the same scenario, seed and inputs always give
// the same turns, so a stored list of inputs is enough to rebuild a run
// after a restart (Replay), and a transcript is a test.
package roleplay
