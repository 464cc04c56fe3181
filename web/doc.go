// Package web is Oasis's HTTP and websocket server: the JSON API under
// /api/, the websocket at /ws on which trainees play role plays and work
// practice cases, and the browser UI from web/static.
//
// Every turn a trainee plays is scored, applied to the run and committed to
// the database before the reply is sent; the server keeps recently used
// runs in memory and rebuilds any other (after a restart, say) by replaying
// its stored inputs, which the role-play runtime guarantees gives the same
// run. Errors reaching a client carry a code and a message written for a
// person; they are mapped to HTTP statuses and websocket error frames in one
// place (errors.go).
package web
