package dedup

import "time"

// Step is a step of a matching call: an ingest (of one article or a batch)
// or a check.
type Step int

// The steps, in the order a call takes them.
const (
	// StepStore is storing the new articles and replacing revised ones.
	StepStore Step = iota
	// StepCandidates is looking up candidates by key.
	StepCandidates
	// StepProfiles is reading the candidates' fingerprints and decoding
	// them.
	StepProfiles
	// StepVerify is measuring the article against its candidates, finding
	// its recurring furniture (and storing it) and deciding each relation.
	StepVerify
	// StepComposites is checking the links for composites, which reads the
	// candidates' own candidates.
	StepComposites
	// StepLockWait is the wait for the cluster locks: the round trip that
	// takes them, the time another ingest held them, and any start over.
	StepLockWait
	// StepClusters is recording links and clusters under the locks, up to
	// the commit.
	StepClusters
	// StepResults is reading back the clusters that the answer shows.
	StepResults

	numSteps
)

var stepNames = [numSteps]string{"store", "candidates", "profiles", "verify", "composites", "lock_wait", "clusters", "results"}

// String is the step's name, as metrics label it.
func (s Step) String() string {
	if s < 0 || s >= numSteps {
		return "unknown"
	}
	return stepNames[s]
}

// StepTimes is the wall time a call spent in each step, indexed by Step; a
// step the call did not take is zero. Times include waiting: for the
// database, for a core, for another ingest's cluster locks.
type StepTimes [numSteps]time.Duration

// stepClock times the steps of one call: each lap adds the time since the
// previous lap (or the start) to one step. A nil clock times nothing.
type stepClock struct {
	last  time.Time
	times StepTimes
}

func newStepClock() *stepClock {
	return &stepClock{last: time.Now()}
}

// lap adds the time since the last lap to step.
func (c *stepClock) lap(step Step) {
	if c == nil {
		return
	}
	now := time.Now()
	c.times[step] += now.Sub(c.last)
	c.last = now
}

// restart leaves the time since the last lap out of every step: the call
// was waiting for its turn, not working.
func (c *stepClock) restart() {
	if c != nil {
		c.last = time.Now()
	}
}

// observeSteps reports a call's step times to the Observer, if any.
func (s *Service) observeSteps(op string, c *stepClock) {
	if s.opts.Observer != nil && c != nil {
		s.opts.Observer.ObserveSteps(op, c.times)
	}
}
