package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"image/color"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// PNG names under -docs.
const (
	peersPNG = "bench-peers.png"
	scalePNG = "bench-scale.png"
)

// runPlot draws the curve and scale results found under -out into PNGs
// under -docs; a missing result skips its plot.
func runPlot(cfg *Config, stdout io.Writer) error {
	var curve []curveResult
	switch err := readJSON(filepath.Join(cfg.Out, "curve.json"), &curve); {
	case errors.Is(err, fs.ErrNotExist):
		fmt.Fprintln(stdout, "no curve.json: run bench curve first")
	case err != nil:
		return err
	default:
		if err := savePNG(filepath.Join(cfg.Docs, peersPNG), 9*vg.Inch, 5*vg.Inch, [][]*plot.Plot{{peersPlot(curve)}}); err != nil {
			return err
		}
		fmt.Fprintln(stdout, "wrote", filepath.Join(cfg.Docs, peersPNG))
	}
	var scale scaleResult
	switch err := readJSON(filepath.Join(cfg.Out, "scale.json"), &scale); {
	case errors.Is(err, fs.ErrNotExist):
		fmt.Fprintln(stdout, "no scale.json: run bench scale first")
	case err != nil:
		return err
	default:
		if err := savePNG(filepath.Join(cfg.Docs, scalePNG), 15*vg.Inch, 6*vg.Inch, [][]*plot.Plot{scalePlots(&scale)}); err != nil {
			return err
		}
		fmt.Fprintln(stdout, "wrote", filepath.Join(cfg.Docs, scalePNG))
	}
	return nil
}

func readJSON(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

// peersPlot is the cost per article against the stored count, one line
// per system, both axes logarithmic.
func peersPlot(curve []curveResult) *plot.Plot {
	p := plot.New()
	p.Title.Text = "Online protocol: cost per article as the store grows (gencorpus corpus, one process each)"
	p.X.Label.Text = "articles stored"
	p.Y.Label.Text = "ms per article (mean over each 1,000)"
	logAxes(p, true, true)
	var lines []any
	for _, r := range curve {
		var xy plotter.XYs
		for _, c := range r.Stats.Curve {
			if c.Micros > 0 {
				xy = append(xy, plotter.XY{X: float64(c.Stored), Y: c.Micros / 1000})
			}
		}
		if len(xy) > 0 {
			lines = append(lines, r.System, xy)
		}
	}
	addLines(p, lines...)
	p.Legend.Top, p.Legend.Left = true, true
	fitLog(p, len(lines)/2)
	return p
}

// scalePlots are three panels against corpus size: latency, throughput
// and CPU per article, with a line per rate.
func scalePlots(s *scaleResult) []*plot.Plot {
	type series struct {
		name string
		xy   plotter.XYs
	}
	var lat, tp, cpu []series
	get := func(list *[]series, name string) *plotter.XYs {
		for i := range *list {
			if (*list)[i].name == name {
				return &(*list)[i].xy
			}
		}
		*list = append(*list, series{name: name})
		return &(*list)[len(*list)-1].xy
	}
	add := func(list *[]series, name string, x, y float64) {
		if y > 0 {
			xy := get(list, name)
			*xy = append(*xy, plotter.XY{X: x, Y: y})
		}
	}
	for _, st := range s.Steps {
		x := float64(st.Size)
		for _, ph := range st.Phases {
			r := fmt.Sprintf(" @%g/s", ph.Rate)
			add(&lat, "POST p50"+r, x, ph.Post.P50ms)
			add(&lat, "POST p99"+r, x, ph.Post.P99ms)
			add(&lat, ":check p50"+r, x, ph.Check.P50ms)
			add(&lat, ":check p99"+r, x, ph.Check.P99ms)
			add(&tp, "POST req/s"+r, x, ph.Post.Throughput)
			add(&tp, ":check req/s"+r, x, ph.Check.Throughput)
			add(&cpu, "POST"+r, x, ph.Post.CPUms)
			add(&cpu, ":check"+r, x, ph.Check.CPUms)
		}
		if st.LoadSeconds > 0 {
			add(&tp, "bulk load articles/s", x, float64(st.Loaded)/st.LoadSeconds)
		}
		add(&cpu, "bulk load (batches)", x, st.LoadCPUms)
	}
	panel := func(title, ylabel string, list []series) *plot.Plot {
		p := plot.New()
		p.Title.Text = title
		p.Y.Label.Text = ylabel
		p.X.Label.Text = "articles stored (Postgres)"
		logAxes(p, true, true)
		var pairs []any
		for _, sr := range list {
			pairs = append(pairs, sr.name, sr.xy)
		}
		addLines(p, pairs...)
		p.Legend.Top, p.Legend.Left = true, true
		return p
	}
	l := panel(fmt.Sprintf("Latency (open loop, %s per phase)", s.Duration), "ms", lat)
	target(l, 25, "POST p99 target", []vg.Length{vg.Points(6), vg.Points(3)})
	target(l, 15, ":check p99 target", []vg.Length{vg.Points(2), vg.Points(2)})
	fitLog(l, len(lat)+2)
	t := panel("Throughput", "requests or articles per second", tp)
	fitLog(t, len(tp))
	c := panel("Cost: server + Postgres CPU", "CPU ms per article", cpu)
	fitLog(c, len(cpu))
	return []*plot.Plot{l, t, c}
}

// addLines adds name, points pairs as lines with points, skipping a
// series without points, as plotutil.AddLinePoints takes them.
func addLines(p *plot.Plot, pairs ...any) {
	var keep []any
	for i := 0; i+1 < len(pairs); i += 2 {
		if xy, ok := pairs[i+1].(plotter.XYs); ok && len(xy) > 0 {
			keep = append(keep, pairs[i], xy)
		}
	}
	// An error means an argument that is not a name or an XYer, which
	// keep never holds.
	must(plotutil.AddLinePoints(p, keep...))
}

// target draws a dashed horizontal line at y across the decades that
// fitLog will give the plot's x range.
func target(p *plot.Plot, y float64, name string, dashes []vg.Length) {
	lo, hi := decades(p.X.Min, p.X.Max)
	l, err := plotter.NewLine(plotter.XYs{{X: lo, Y: y}, {X: hi, Y: y}})
	must(err)
	l.Color = color.Gray{Y: 120}
	l.Dashes = dashes
	p.Add(l)
	p.Legend.Add(name, l)
}

func logAxes(p *plot.Plot, x, y bool) {
	if x {
		p.X.Scale, p.X.Tick.Marker = plot.LogScale{}, plot.LogTicks{Prec: -1}
	}
	if y {
		p.Y.Scale, p.Y.Tick.Marker = plot.LogScale{}, plot.LogTicks{Prec: -1}
	}
	p.Add(plotter.NewGrid())
}

// fitLog widens the axes to whole decades around the data (a log axis
// needs a positive range that is not a single point), and the y axis by
// one more decade per five legend entries, so that the legend in the top
// corner has room above the data.
func fitLog(p *plot.Plot, legendEntries int) {
	p.X.Min, p.X.Max = decades(p.X.Min, p.X.Max)
	p.Y.Min, p.Y.Max = decades(p.Y.Min, p.Y.Max)
	p.Y.Max *= math.Pow(10, math.Ceil(float64(legendEntries)/5))
}

// decades widens [lo, hi] to whole powers of ten, at least one apart.
func decades(lo, hi float64) (float64, float64) {
	if lo <= 0 || math.IsInf(lo, 0) || math.IsNaN(lo) {
		lo = 1
	}
	if hi <= lo || math.IsInf(hi, 0) || math.IsNaN(hi) {
		hi = lo * 10
	}
	lo = math.Pow(10, math.Floor(math.Log10(lo)))
	hi = math.Pow(10, math.Ceil(math.Log10(hi)))
	if hi <= lo {
		hi = lo * 10
	}
	return lo, hi
}

// savePNG draws the plots, rows by columns, into one PNG.
func savePNG(path string, w, h vg.Length, plots [][]*plot.Plot) error {
	img := vgimg.NewWith(vgimg.UseWH(w, h), vgimg.UseDPI(110))
	dc := draw.New(img)
	tiles := draw.Tiles{Rows: len(plots), Cols: len(plots[0]), PadX: vg.Millimeter * 6, PadY: vg.Millimeter * 6,
		PadTop: vg.Millimeter * 2, PadBottom: vg.Millimeter * 2, PadLeft: vg.Millimeter * 2, PadRight: vg.Millimeter * 4}
	canvases := plot.Align(plots, tiles, dc)
	for i := range plots {
		for j, p := range plots[i] {
			p.Draw(canvases[i][j])
		}
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	_, err = vgimg.PngCanvas{Canvas: img}.WriteTo(f)
	return errors.Join(err, f.Close())
}

// must panics on an error that only a programming mistake can cause
// (plotutil's argument types, a line of no points).
func must(err error) {
	if err != nil {
		panic(err)
	}
}
