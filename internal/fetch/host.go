package fetch

import (
	"context"
	"sync"
	"time"
)

// hostGate keeps the client polite to each host: one request in flight at
// a time and at least delay from the end of one request to the start of the
// next. It is hand-written rather than a rate.Limiter because the rule is
// "one at a time, then a pause", not a rate: a slow response must push the
// next request back.
type hostGate struct {
	delay  time.Duration
	delays map[string]time.Duration // the pause for some hosts, instead of delay; read-only

	mu      sync.Mutex            // mu guards hosts, pruneAt and every hostState.users
	hosts   map[string]*hostState // by lower-case host name
	pruneAt int                   // prune idle hosts when len(hosts) reaches this
}

// hostState is one host's turn-taking.
type hostState struct {
	slot  chan struct{} // holds a token while someone has the host
	users int           // leases held or being waited for; guarded by hostGate.mu
	last  time.Time     // end of the last request; written only by the slot's holder
	delay time.Duration // the pause after each request; set once
}

// minPrune is the map size below which idle hosts are never pruned.
const minPrune = 256

// newHostGate returns a gate pausing delay between requests to a host, or
// delays[host] for the hosts in delays.
func newHostGate(delay time.Duration, delays map[string]time.Duration) *hostGate {
	return &hostGate{delay: delay, delays: delays, hosts: make(map[string]*hostState), pruneAt: minPrune}
}

// lease is the right to send requests to one host; it must be released.
type lease struct {
	gate   *hostGate
	host   string
	s      *hostState
	waited time.Duration // spent in wait, for Observation.Wait
}

// acquire waits until no one else has host, or ctx ends.
func (g *hostGate) acquire(ctx context.Context, host string) (*lease, error) {
	g.mu.Lock()
	s := g.hosts[host]
	if s == nil {
		if len(g.hosts) >= g.pruneAt {
			g.prune(time.Now())
		}
		s = &hostState{slot: make(chan struct{}, 1), delay: g.delay}
		if d, ok := g.delays[host]; ok {
			s.delay = d
		}
		g.hosts[host] = s
	}
	s.users++
	g.mu.Unlock()

	select {
	case s.slot <- struct{}{}:
		return &lease{gate: g, host: host, s: s}, nil
	case <-ctx.Done():
		g.mu.Lock()
		s.users--
		g.mu.Unlock()
		return nil, ctx.Err()
	}
}

// prune forgets hosts nobody is using whose pause is over; their state is
// then the same as a host never seen. g.mu must be held.
func (g *hostGate) prune(now time.Time) {
	for h, s := range g.hosts {
		if s.users == 0 && now.Sub(s.last) >= s.delay {
			delete(g.hosts, h)
		}
	}
	g.pruneAt = max(minPrune, 2*len(g.hosts))
}

// wait sleeps until the host's pause after its last request is over.
func (l *lease) wait(ctx context.Context) error {
	d := time.Until(l.s.last.Add(l.s.delay))
	if d <= 0 {
		return ctx.Err()
	}
	start := time.Now()
	defer func() { l.waited += time.Since(start) }()
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// done records that a request to the host has just ended.
func (l *lease) done() { l.s.last = time.Now() }

// release lets the next caller have the host.
func (l *lease) release() {
	<-l.s.slot
	l.gate.mu.Lock()
	l.s.users--
	l.gate.mu.Unlock()
}
