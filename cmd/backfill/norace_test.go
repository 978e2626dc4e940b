//go:build !race

package main

// raceEnabled is set when the tests run under the race detector, which
// slows the ingest-heavy tests about tenfold.
const raceEnabled = false
