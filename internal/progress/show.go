package progress

import (
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"time"
)

// barWidth is the number of cells of the terminal bar.
const barWidth = 20

// show writes one report in the reporter's mode; final ends the run.
func (r *Reporter) show(s snapshot, final bool) {
	if r.opts.Mode == ModeTerminal {
		r.draw(s, final)
		return
	}
	attrs := []any{slog.Int64("done", s.Done)}
	if s.Total > 0 {
		attrs = append(attrs, slog.Int64("total", s.Total))
	}
	attrs = append(attrs, slog.Float64("rate", round1(s.Rate)))
	if s.ETA >= 0 {
		attrs = append(attrs, slog.Duration("eta", s.ETA.Round(time.Second)))
	}
	attrs = append(attrs, slog.Duration("elapsed", s.Elapsed.Round(time.Millisecond)))
	msg := "progress"
	if final {
		msg = "progress finished"
	}
	r.opts.Logger.Info(msg, attrs...)
}

// draw redraws the terminal line, padding it to blank out a longer one.
func (r *Reporter) draw(s snapshot, final bool) {
	line := terminalLine(s, r.opts.Unit)
	pad := max(r.width-len(line), 0)
	r.width = len(line)
	end := ""
	if final {
		end = "\n"
	}
	// A failed write to a terminal is not worth stopping a run for.
	_, _ = io.WriteString(r.w, "\r"+line+strings.Repeat(" ", pad)+end)
}

// terminalLine formats a snapshot, for example
// "[=====>              ] 25,000/100,000 articles 25.0%  3,112/s  ETA 24s  elapsed 8s".
func terminalLine(s snapshot, unit string) string {
	var b strings.Builder
	if s.Total > 0 {
		frac := min(float64(s.Done)/float64(s.Total), 1)
		fmt.Fprintf(&b, "%s %s/%s %s %.1f%%", bar(frac), group(s.Done), group(s.Total), unit, 100*frac)
	} else {
		fmt.Fprintf(&b, "%s %s", group(s.Done), unit)
	}
	fmt.Fprintf(&b, "  %s/s", rateString(s.Rate))
	if s.ETA >= 0 {
		fmt.Fprintf(&b, "  ETA %s", s.ETA.Round(time.Second))
	}
	fmt.Fprintf(&b, "  elapsed %s", s.Elapsed.Round(time.Second))
	return b.String()
}

func bar(frac float64) string {
	full := int(frac * barWidth)
	if full >= barWidth {
		return "[" + strings.Repeat("=", barWidth) + "]"
	}
	return "[" + strings.Repeat("=", full) + ">" + strings.Repeat(" ", barWidth-full-1) + "]"
}

func rateString(rate float64) string {
	if rate < 10 {
		return strconv.FormatFloat(rate, 'f', 1, 64)
	}
	return group(int64(rate + 0.5))
}

// group writes n with thousands separators: 1234567 → "1,234,567".
func group(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

func round1(f float64) float64 {
	return float64(int64(f*10+0.5)) / 10
}
