package ingest

import (
	"strconv"
	"time"

	"github.com/herald-news/herald/internal/fetch"
	"github.com/prometheus/client_golang/prometheus"
)

// Metrics are the ingestion figures exported for Prometheus. A nil
// *Metrics measures nothing, so tests and tools need not set one up.
type Metrics struct {
	fetches       *prometheus.CounterVec
	fetchDuration *prometheus.HistogramVec
	extractTime   prometheus.Histogram
	items         *prometheus.CounterVec
	failures      *prometheus.CounterVec
	queue         prometheus.Gauge
}

// NewMetrics creates the ingestion metrics and registers them with reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		fetches: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "herald_fetches_total", Help: "HTTP fetches by host and outcome (status code or error kind).",
		}, []string{"host", "status"}),
		fetchDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "herald_fetch_duration_seconds", Help: "Time to fetch a document, by host.",
			Buckets: prometheus.ExponentialBuckets(0.01, 2.5, 10),
		}, []string{"host"}),
		extractTime: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "herald_extract_duration_seconds", Help: "Time to extract an article from a page.",
			Buckets: prometheus.ExponentialBuckets(0.001, 2.5, 10),
		}),
		items: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "herald_items_ingested_total", Help: "New articles added from followed sources.",
		}, []string{"source"}),
		failures: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "herald_ingest_failures_total", Help: "Failed source checks and items, by reason.",
		}, []string{"reason"}),
		queue: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "herald_sources_in_progress", Help: "Sources claimed and being checked now.",
		}),
	}
	reg.MustRegister(m.fetches, m.fetchDuration, m.extractTime, m.items, m.failures, m.queue)
	return m
}

// ObserveFetch is the fetch client's observation hook.
func (m *Metrics) ObserveFetch(o fetch.Observation) {
	if m == nil {
		return
	}
	status := o.ErrorKind
	if status == "" {
		status = strconv.Itoa(o.Status)
	}
	m.fetches.WithLabelValues(o.Host, status).Inc()
	m.fetchDuration.WithLabelValues(o.Host).Observe(o.Duration.Seconds())
}

func (m *Metrics) extracted(d time.Duration) {
	if m != nil {
		m.extractTime.Observe(d.Seconds())
	}
}

func (m *Metrics) ingested(source string) {
	if m != nil {
		m.items.WithLabelValues(source).Inc()
	}
}

func (m *Metrics) failure(reason string) {
	if m != nil {
		m.failures.WithLabelValues(reason).Inc()
	}
}

func (m *Metrics) setQueue(n int) {
	if m != nil {
		m.queue.Set(float64(n))
	}
}
