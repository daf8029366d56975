package desk

import (
	"context"
	"fmt"
	"strings"

	"github.com/herald-news/herald"
)

// SourceTakedownResult is what taking down, or restoring, everything
// from an outlet did.
type SourceTakedownResult struct {
	Source *herald.Source
	Done   int // articles taken down, or restored
	Kept   int // articles a restore left down for good (see herald.SourceTakedown)
}

// TakeDownSource takes down everything from the outlet with the slug, as
// when its licence ends: every article answers 410 Gone with the reason,
// and the source is paused, not removed, so that its row keeps what its
// takedowns point at, its remembered items keep a later fetch from
// bringing the articles back, and RestoreSource can follow it again. The
// store does it in batches of bounded transactions; the audit log gets
// one entry, with the first. A crash half-way is finished by running it
// again; running it once more changes nothing.
func (d *Desk) TakeDownSource(ctx context.Context, a Actor, slug, reason string) (*SourceTakedownResult, error) {
	reason = strings.TrimSpace(reason)
	if err := CheckSourceTakedown(a, reason); err != nil {
		return nil, err
	}
	old, err := d.Store.FindSourceBySlug(ctx, slug)
	if err != nil {
		return nil, err
	}
	ctx, err = audited(ctx, a, "source.takedown", slug,
		map[string]any{"articles": old.ArticleCount, "taken_down": old.TakenDown(), "reason": old.TakedownReason},
		map[string]any{"taken_down": true, "reason": reason})
	if err != nil {
		return nil, err
	}
	return d.batches(ctx, a, func(ctx context.Context) (*herald.SourceTakedown, error) {
		return d.Store.TakeDownSource(ctx, slug, reason, 0)
	})
}

// CheckSourceTakedown reports what TakeDownSource would refuse before it
// writes anything: an actor who may not change sources, or a bad reason.
// The desk checks it before taking a source down in the background.
func CheckSourceTakedown(a Actor, reason string) error {
	if err := allow(a, "source"); err != nil {
		return err
	}
	return onField("reason", herald.CheckTakedown(herald.StatusTakenDown, strings.TrimSpace(reason)))
}

// RestoreSource publishes again everything TakeDownSource took down
// from the outlet with the slug, within the retention period, and
// follows it again; the store writes the audit entry with the last batch.
func (d *Desk) RestoreSource(ctx context.Context, a Actor, slug string) (*SourceTakedownResult, error) {
	old, err := d.Store.FindSourceBySlug(ctx, slug)
	if err != nil {
		return nil, err
	}
	if !old.TakenDown() {
		return nil, herald.Errorf(herald.ECONFLICT, "%q is not taken down: there is nothing to restore", slug)
	}
	ctx, err = audited(ctx, a, "source.restore", slug, map[string]any{"taken_down": true, "reason": old.TakedownReason},
		map[string]any{"taken_down": false})
	if err != nil {
		return nil, err
	}
	return d.batches(ctx, a, func(ctx context.Context) (*herald.SourceTakedown, error) {
		return d.Store.RestoreSource(ctx, slug, 0)
	})
}

// batches calls step until nothing is left, adding up what each did.
// Every call carries ctx's audit entry: the store writes it in the one
// call that changes the source itself.
func (d *Desk) batches(ctx context.Context, a Actor, step func(context.Context) (*herald.SourceTakedown, error)) (*SourceTakedownResult, error) {
	r := &SourceTakedownResult{}
	for {
		st, err := step(ctx)
		if err != nil {
			return r, d.settle(ctx, a, err)
		}
		r.Source, r.Done, r.Kept = st.Source, r.Done+st.Done, r.Kept+st.Kept
		if st.Left == 0 {
			return r, nil
		}
		if st.Done+st.Kept == 0 {
			return r, fmt.Errorf("%d articles left, and a batch did none of them", st.Left)
		}
		if err := ctx.Err(); err != nil {
			return r, err
		}
	}
}
