package main

import (
	"fmt"
	"math"
	"strings"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/newsdedup/newsdedup/internal/dedup"
)

// stepMetric is the server's histogram of the time its calls spend in
// each step (dedup.StepTimes), by op and step; queueMetric, of the time a
// single ingest waits for an ingest runner.
const (
	stepMetric  = "newsdedup_step_duration_seconds"
	queueMetric = "newsdedup_ingest_queue_wait_seconds"
)

// stepStat is the time the server's calls of one op spent in one step
// during a phase.
type stepStat struct {
	Step  string  `json:"step"`
	Calls int     `json:"calls"`
	Mean  float64 `json:"mean_ms"`
	// P99 is estimated from the histogram's buckets, as Prometheus's
	// histogram_quantile does: linearly within the bucket it falls in.
	P99 float64 `json:"p99_ms"`
}

// metricFamilies is a /metrics text parsed, by metric name.
type metricFamilies = map[string]*dto.MetricFamily

// parseMetrics parses a /metrics text in Prometheus's text format; a text
// that does not parse counts as empty.
func parseMetrics(text string) metricFamilies {
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(strings.NewReader(text))
	if err != nil {
		return nil
	}
	return families
}

// histogramMean is the mean of the observations that the unlabelled
// histogram name gained between the /metrics taken before and after; 0 if
// none.
func histogramMean(before, after metricFamilies, name string) float64 {
	all := func(map[string]string) (string, bool) { return "", true }
	h, ok := gained("", histograms(before, name, all), histograms(after, name, all))
	if !ok {
		return 0
	}
	return h.sum / h.count
}

// stepStats reads, from the /metrics taken before and after a phase, the
// time op's calls spent in each step during it, in the order the steps
// are taken; steps no call took are left out.
func stepStats(before, after metricFamilies, op string) []stepStat {
	ofOp := func(labels map[string]string) (string, bool) { return labels["step"], labels["op"] == op }
	b, a := histograms(before, stepMetric, ofOp), histograms(after, stepMetric, ofOp)
	var out []stepStat
	for s := range dedup.Step(len(dedup.StepTimes{})) {
		if st, ok := phaseStat(s.String(), b, a); ok {
			out = append(out, st)
		}
	}
	return out
}

// queueStat is the time single ingests waited for a runner during a phase,
// from the /metrics taken before and after it.
func queueStat(before, after metricFamilies) (stepStat, bool) {
	all := func(map[string]string) (string, bool) { return "queue", true }
	return phaseStat("queue", histograms(before, queueMetric, all), histograms(after, queueMetric, all))
}

// phaseStat is what histogram key (of seconds) gained between before and
// after, in milliseconds.
func phaseStat(key string, before, after map[string]histogram) (stepStat, bool) {
	h, ok := gained(key, before, after)
	if !ok {
		return stepStat{}, false
	}
	return stepStat{Step: key, Calls: int(h.count), Mean: 1000 * h.sum / h.count, P99: 1000 * h.quantile(0.99)}, true
}

// gained is what histogram key gained between before and after; false
// when it gained no observation.
func gained(key string, before, after map[string]histogram) (histogram, bool) {
	h, ok := after[key]
	if !ok {
		return histogram{}, false
	}
	if prev, ok := before[key]; ok {
		h = h.minus(prev)
	}
	return h, h.count > 0
}

// histogram is one cumulative histogram: bucket upper bounds in
// ascending order (+Inf left out) with their cumulative counts.
type histogram struct {
	count, sum float64
	bounds     []float64
	cum        []float64
}

func (h histogram) minus(o histogram) histogram {
	d := histogram{count: h.count - o.count, sum: h.sum - o.sum, bounds: h.bounds, cum: make([]float64, len(h.cum))}
	for i := range h.cum {
		d.cum[i] = h.cum[i]
		if i < len(o.cum) && o.bounds[i] == h.bounds[i] {
			d.cum[i] -= o.cum[i]
		}
	}
	return d
}

// quantile estimates the q-quantile: the bucket that holds it is found by
// cumulative count, and the value placed linearly between its bounds (the
// first bucket's lower bound is 0). Past the last finite bound it is that
// bound.
func (h histogram) quantile(q float64) float64 {
	if h.count <= 0 {
		return math.NaN()
	}
	rank := q * h.count
	lower, below := 0.0, 0.0
	for i, upper := range h.bounds {
		if h.cum[i] >= rank {
			in := h.cum[i] - below
			if in <= 0 {
				return upper
			}
			return lower + (upper-lower)*(rank-below)/in
		}
		lower, below = upper, h.cum[i]
	}
	return lower
}

// histograms returns the histograms called name from a /metrics: those
// whose labels keep accepts, under the key it gives them.
func histograms(families metricFamilies, name string, keep func(labels map[string]string) (key string, ok bool)) map[string]histogram {
	out := map[string]histogram{}
	fam, ok := families[name]
	if !ok || fam.GetType() != dto.MetricType_HISTOGRAM {
		return out
	}
	for _, m := range fam.GetMetric() {
		labels := map[string]string{}
		for _, l := range m.GetLabel() {
			labels[l.GetName()] = l.GetValue()
		}
		key, ok := keep(labels)
		if !ok {
			continue
		}
		hist := m.GetHistogram()
		h := histogram{count: float64(hist.GetSampleCount()), sum: hist.GetSampleSum()}
		for _, b := range hist.GetBucket() {
			if math.IsInf(b.GetUpperBound(), 1) {
				continue
			}
			h.bounds = append(h.bounds, b.GetUpperBound())
			h.cum = append(h.cum, float64(b.GetCumulativeCount()))
		}
		out[key] = h
	}
	return out
}

// fmtSteps shows step times as "step mean/p99" in milliseconds.
func fmtSteps(steps ...stepStat) string {
	if len(steps) == 0 {
		return "none reported"
	}
	parts := make([]string, len(steps))
	for i, s := range steps {
		parts[i] = fmt.Sprintf("%s %.1f/%.1f", s.Step, s.Mean, s.P99)
	}
	return strings.Join(parts, ", ")
}
