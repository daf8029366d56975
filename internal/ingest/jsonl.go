package ingest

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"
	"sync"

	"github.com/herald-news/herald"
)

// MaxLineLen bounds one line of an import file. It is larger than the body
// limit so that a line with a too-large body is read whole and refused with
// the body limit's message.
const MaxLineLen = 3 * herald.MaxBodyLen

// line is one article in the import format. Unknown fields are ignored.
type line struct {
	URL         string `json:"url"`
	Title       string `json:"title"`
	Byline      string `json:"byline"`
	PublishedAt string `json:"published_at"`
	HTML        string `json:"html"`
	Text        string `json:"text"`
	Source      string `json:"source"`
	SourceURL   string `json:"source_url"`
	Licence     string `json:"licence"`
	Image       string `json:"image"`
	Lang        string `json:"lang"`
}

// ParseLine reads one line of the import format into an Item. A line that
// is not a JSON object, has a field of the wrong type, a field that is not
// valid UTF-8 text, a date that is not RFC 3339 or is before 1900, or a
// lang that is not a BCP 47 tag gives an EINVALID error saying so and
// naming the field (see check.go for why these are refused).
func ParseLine(b []byte) (Item, error) {
	var l line
	if err := json.Unmarshal(b, &l); err != nil {
		return Item{}, jsonError(err)
	}
	if err := checkEncoding(b, &l); err != nil {
		return Item{}, err
	}
	lang, err := checkLang(l.Lang)
	if err != nil {
		return Item{}, err
	}
	published, err := parsePublished(l.PublishedAt)
	if err != nil {
		return Item{}, err
	}
	return Item{
		URL: l.URL, Title: l.Title, Byline: l.Byline, PublishedAt: published, HTML: l.HTML, Text: l.Text,
		Source: l.Source, SourceURL: l.SourceURL, Licence: l.Licence, Image: l.Image, Lang: lang,
	}, nil
}

func jsonError(err error) error {
	var typeErr *json.UnmarshalTypeError
	var syntaxErr *json.SyntaxError
	switch {
	case errors.As(err, &typeErr) && typeErr.Field != "":
		return herald.Errorf(herald.EINVALID, "field %q must be a %s, not a %s", typeErr.Field, typeErr.Type, typeErr.Value)
	case errors.As(err, &typeErr):
		return herald.Errorf(herald.EINVALID, "line is a JSON %s, not an object", typeErr.Value)
	case errors.As(err, &syntaxErr):
		return herald.Errorf(herald.EINVALID, "not valid JSON: %s (at byte %d)", syntaxErr.Error(), syntaxErr.Offset)
	default:
		return herald.Errorf(herald.EINVALID, "not valid JSON: %s", err.Error())
	}
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.ToValidUTF8(s[:n], "") + "…"
}

// Progress is how far an import has come.
type Progress struct {
	Lines    int   // lines read, blank ones included
	Bytes    int64 // bytes read
	Imported int
	Skipped  int // already present
	Rejected int
}

// Importer reads articles in the import format (JSON Lines) and adds them
// through a Pipeline, in the order of the file.
type Importer struct {
	Pipeline *Pipeline
	Workers  int // how many items are prepared at once; runtime.NumCPU() when 0

	// OnReject is told about each bad line and why it was refused.
	OnReject func(lineNo int, err error)
	// OnWarn is told about each change made to a line for its article to
	// be kept, such as a published_at more than a day ahead taken as now.
	OnWarn func(lineNo int, msg string)
	// OnProgress is called after each line; it must be quick.
	OnProgress func(Progress)

	// Sources, when set, gives each line's article the image setting of
	// its source (the source named like it, as the store files it; see
	// herald.Source.Images), within the line's licence, as ApplyImagePolicy
	// would name its pictures once stored. A line whose source has no
	// setting, or is not a source added by an editor, follows its licence.
	Sources herald.SourceService

	// policies caches the image setting of each source name seen. Only
	// the store step, which runs one line at a time, reads and fills it.
	policies map[string]herald.ImagePolicy
}

type job struct {
	no     int
	raw    []byte
	item   Item
	art    *herald.Article
	notes  []string // what prepare changed (see Importer.OnWarn)
	stored bool     // the line's address is stored already
	err    error
	done   chan struct{}
}

// Import reads r to its end. Bad lines are reported and skipped; the error
// returned is only for what stops the whole import (a read error, the
// context ending, or the store failing).
func (im *Importer) Import(ctx context.Context, r io.Reader) (Progress, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	workers := im.Workers
	if workers <= 0 {
		workers = runtime.NumCPU()
	}
	// Items are prepared in parallel but stored one by one in file order,
	// so later stages see articles in the order they were published.
	todo := make(chan *job, workers)
	ordered := make(chan *job, 4*workers)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range todo {
				j.prepare(ctx, im.Pipeline)
				close(j.done)
			}
		}()
	}
	readErr := make(chan error, 1)
	var prog Progress
	go func() {
		defer close(ordered)
		defer close(todo)
		readErr <- readLines(ctx, r, func(no int, raw []byte, err error) bool {
			j := &job{no: no, raw: raw, err: err, done: make(chan struct{})}
			select {
			case ordered <- j:
			case <-ctx.Done():
				return false
			}
			if err != nil {
				close(j.done)
				return true
			}
			select {
			case todo <- j:
				return true
			case <-ctx.Done():
				j.err = ctx.Err()
				close(j.done)
				return false
			}
		})
	}()

	var storeErr error
	for j := range ordered {
		if storeErr != nil {
			continue // drain: the reader stops at the cancelled context
		}
		<-j.done
		prog.Lines = j.no
		prog.Bytes += int64(len(j.raw)) + 1
		storeErr = im.store(ctx, j, &prog)
		if storeErr != nil {
			cancel()
		}
		if im.OnProgress != nil {
			im.OnProgress(prog)
		}
	}
	wg.Wait()
	if err := <-readErr; err != nil && storeErr == nil {
		return prog, err
	}
	return prog, storeErr
}

func (j *job) prepare(ctx context.Context, p *Pipeline) {
	if len(bytes.TrimSpace(j.raw)) == 0 {
		return
	}
	j.item, j.err = ParseLine(j.raw)
	if j.err != nil {
		return
	}
	// A line whose address is stored already changes nothing: it is
	// passed over before the costly cleaning, so that importing a file
	// again, or resuming one, reads its stored lines quickly. The stored
	// article was placed and tagged when it was added (or is placed by
	// PlaceUnplaced, which runs before an import).
	j.stored, j.err = p.isStored(ctx, j.item.URL)
	if j.err != nil || j.stored {
		return
	}
	j.art, j.notes, j.err = p.prepare(j.item)
}

// store adds a prepared job's article, counting the outcome. Only a failure
// of the store itself is returned: a bad line is counted and reported.
func (im *Importer) store(ctx context.Context, j *job, prog *Progress) error {
	if j.stored {
		prog.Skipped++
		return nil
	}
	if j.err == nil && j.art == nil {
		return nil // a blank line
	}
	err := j.err
	if err == nil {
		var created bool
		var policy herald.ImagePolicy
		if policy, err = im.imagePolicy(ctx, j.art.Source.Name); err != nil {
			return fmt.Errorf("line %d: %w", j.no, err)
		}
		created, err = im.Pipeline.store(ctx, j.art, policy)
		switch {
		case err == nil && created:
			prog.Imported++
		case err == nil:
			prog.Skipped++
		}
	}
	if err == nil {
		if im.OnWarn != nil {
			for _, note := range j.notes {
				im.OnWarn(j.no, note)
			}
		}
		return nil
	}
	if herald.ErrorCode(err) != herald.EINVALID {
		return fmt.Errorf("line %d: %w", j.no, err)
	}
	prog.Rejected++
	if im.OnReject != nil {
		im.OnReject(j.no, err)
	}
	return nil
}

// imagePolicy returns the image setting of the source named name, ""
// when there is none or Sources is not set.
func (im *Importer) imagePolicy(ctx context.Context, name string) (herald.ImagePolicy, error) {
	if im.Sources == nil {
		return "", nil
	}
	if p, ok := im.policies[name]; ok {
		return p, nil
	}
	src, err := im.Sources.FindSourceBySlug(ctx, herald.Slugify(name))
	switch {
	case herald.ErrorCode(err) == herald.ENOTFOUND:
		src = &herald.Source{} // none yet: the import adds it, without a setting
	case err != nil:
		return "", fmt.Errorf("image setting of source %q: %w", name, err)
	}
	if im.policies == nil {
		im.policies = make(map[string]herald.ImagePolicy)
	}
	im.policies[name] = src.Images
	return src.Images, nil
}

// readLines calls fn with each line of r and its number. A line longer
// than MaxLineLen is passed with an error and without its content, and
// reading goes on after it. fn returns false to stop.
func readLines(ctx context.Context, r io.Reader, fn func(no int, raw []byte, err error) bool) error {
	br := bufio.NewReaderSize(r, 256*1024)
	for no := 1; ; no++ {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		raw, tooLong, err := readLine(br)
		if err == io.EOF && len(raw) == 0 && !tooLong {
			return nil
		}
		if err != nil && err != io.EOF {
			return fmt.Errorf("read line %d: %w", no, err)
		}
		var lineErr error
		if tooLong {
			lineErr = herald.Errorf(herald.EINVALID, "line is longer than %d MB", MaxLineLen/(1024*1024))
		}
		if !fn(no, raw, lineErr) {
			return ctx.Err()
		}
		if err == io.EOF {
			return nil
		}
	}
}

// readLine returns the next line without its newline. Past MaxLineLen the
// rest of the line is read and dropped, and tooLong is set.
func readLine(br *bufio.Reader) (raw []byte, tooLong bool, err error) {
	var buf []byte
	for {
		chunk, err := br.ReadSlice('\n')
		if !tooLong {
			if len(buf)+len(chunk) > MaxLineLen+1 {
				tooLong, buf = true, nil
			} else {
				buf = append(buf, chunk...)
			}
		}
		switch {
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		case err != nil:
			return bytes.TrimRight(buf, "\r\n"), tooLong, err
		default:
			return bytes.TrimRight(buf, "\r\n"), tooLong, nil
		}
	}
}
