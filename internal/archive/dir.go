package archive

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/newsdedup/newsdedup/internal/dedup"
)

// maxTitleBytes caps a title taken from the first line of a .txt file,
// which may be a whole unwrapped paragraph.
const maxTitleBytes = 512

// treeFormat returns the body format of a file in a tree by its extension
// (after any .gz), or "" for files that are not articles.
func treeFormat(name string) dedup.Format {
	name = strings.TrimSuffix(strings.ToLower(name), ".gz")
	switch path.Ext(name) {
	case ".txt":
		return dedup.FormatText
	case ".html", ".htm":
		return dedup.FormatHTML
	}
	return ""
}

// walker visits the article files of a tree in walk order: the entries
// of each directory sorted by name, a directory's files right after its
// name. Names starting with "." are skipped and symlinks are not followed.
// It holds one directory listing per level, never the whole tree.
type walker struct {
	root  string
	stack []dirFrame
	after string // slash-separated path relative to root; skip up to it
}

type dirFrame struct {
	rel     string
	entries []fs.DirEntry
	i       int
}

func newWalker(root, after string) (*walker, error) {
	w := &walker{root: root, after: after}
	return w, w.push(".")
}

func (w *walker) push(rel string) error {
	entries, err := os.ReadDir(filepath.Join(w.root, filepath.FromSlash(rel)))
	if err != nil {
		return err
	}
	w.stack = append(w.stack, dirFrame{rel: rel, entries: entries})
	return nil
}

// next returns the slash-separated path of the next article file, relative
// to the root, or io.EOF.
func (w *walker) next() (string, error) {
	for len(w.stack) > 0 {
		top := &w.stack[len(w.stack)-1]
		if top.i == len(top.entries) {
			w.stack = w.stack[:len(w.stack)-1]
			continue
		}
		e := top.entries[top.i]
		top.i++
		rel := path.Join(top.rel, e.Name())
		if strings.HasPrefix(e.Name(), ".") || w.skip(rel, e.IsDir()) {
			continue
		}
		if e.IsDir() {
			if err := w.push(rel); err != nil {
				return "", err
			}
			continue
		}
		if e.Type().IsRegular() && treeFormat(e.Name()) != "" {
			return rel, nil
		}
	}
	return "", io.EOF
}

// skip reports whether rel comes at or before the resume point, for a
// directory whether everything below it does.
func (w *walker) skip(rel string, dir bool) bool {
	if w.after == "" {
		return false
	}
	if dir {
		return walkLess(rel, w.after) && !strings.HasPrefix(w.after, rel+"/")
	}
	return !walkLess(w.after, rel)
}

// walkLess reports whether slash-separated path a comes before b in walk
// order, which compares name by name: "a/b" comes before "a.txt" because
// the directory "a" sorts before the file "a.txt".
func walkLess(a, b string) bool {
	for {
		ah, at, aMore := strings.Cut(a, "/")
		bh, bt, bMore := strings.Cut(b, "/")
		if ah != bh {
			return ah < bh
		}
		if !aMore || !bMore {
			return !aMore && bMore // a directory comes before what is in it
		}
		a, b = at, bt
	}
}

// dirDecoder reads each article file of a tree as one record.
type dirDecoder struct {
	input  string
	walk   *walker
	source string
	max    int
}

func openDir(input string, opts Options) (*Reader, error) {
	after := ""
	if opts.After != nil {
		rel, err := filepath.Rel(input, opts.After.File)
		if err != nil || rel == "." || strings.HasPrefix(rel, "..") {
			return nil, fmt.Errorf("resume %s: %s is not in it", input, opts.After.File)
		}
		after = filepath.ToSlash(rel)
	}
	w, err := newWalker(input, after)
	if err != nil {
		return nil, err
	}
	source := opts.Source
	if source == "" {
		abs, err := filepath.Abs(input)
		if err != nil {
			return nil, err
		}
		source = filepath.Base(abs)
	}
	return &Reader{dec: &dirDecoder{input: input, walk: w, source: source, max: opts.MaxRecordBytes}}, nil
}

func (d *dirDecoder) next() (Record, error) {
	rel, err := d.walk.next()
	if err != nil {
		return Record{}, err
	}
	file := filepath.Join(d.input, filepath.FromSlash(rel))
	pos := Position{Input: d.input, File: file}
	in, err := d.read(file, rel)
	if err != nil {
		return Record{}, withPos(err, pos)
	}
	return Record{Input: in, Pos: pos}, nil
}

func (d *dirDecoder) read(file, rel string) (dedup.ArticleInput, error) {
	data, err := readFileLimited(file, d.max)
	if err != nil {
		return dedup.ArticleInput{}, err
	}
	if !utf8.Valid(data) {
		return dedup.ArticleInput{}, &RejectError{Reason: ReasonInvalidUTF8}
	}
	data = bytes.TrimPrefix(data, utf8BOM)
	// The external id is the relative path without any .gz, so that
	// compressing a tree does not change the ids of its articles.
	id := rel
	if strings.HasSuffix(strings.ToLower(id), ".gz") {
		id = id[:len(id)-len(".gz")]
	}
	in := dedup.ArticleInput{ExternalID: id, Body: string(data), Format: treeFormat(rel), Source: d.source}
	if in.Format == dedup.FormatHTML {
		in.Title = htmlTitle(data)
	} else {
		in.Title = firstLine(in.Body)
	}
	if err := checkInput(&in); err != nil {
		return dedup.ArticleInput{}, err
	}
	return in, nil
}

// readFileLimited reads a whole file of a tree, decompressing gzip, and
// rejects it when it is longer than max.
func readFileLimited(file string, max int) ([]byte, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, &RejectError{Reason: ReasonUnreadable, Err: err}
	}
	defer f.Close()
	br := bufio.NewReader(f)
	var r io.Reader = br
	if magic, _ := br.Peek(2); bytes.Equal(magic, gzipMagic) {
		gz, err := gzip.NewReader(br)
		if err != nil {
			return nil, &RejectError{Reason: ReasonUnreadable, Err: err}
		}
		defer gz.Close()
		r = gz
	}
	data, err := io.ReadAll(io.LimitReader(r, int64(max)+1))
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, &RejectError{Reason: ReasonUnreadable, Err: err}
	}
	if len(data) > max {
		return nil, reject(ReasonOversize, "file longer than %d bytes", max)
	}
	return data, nil
}

// firstLine returns the first non-blank line of s, trimmed and capped.
func firstLine(s string) string {
	for line := range strings.Lines(s) {
		if t := strings.TrimSpace(line); t != "" {
			return truncateUTF8(t, maxTitleBytes)
		}
	}
	return ""
}

// truncateUTF8 cuts s to at most n bytes without splitting a character.
func truncateUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
