package media

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Metrics are the image-processing figures exported for Prometheus. A nil
// *Metrics measures nothing.
type Metrics struct {
	processed *prometheus.CounterVec
	refusals  *prometheus.CounterVec
	mismatch  prometheus.Counter
	bytes     *prometheus.CounterVec
	duration  prometheus.Histogram
}

// NewMetrics creates the media metrics and registers them with reg. With
// a non-nil limiter, it also exports the memory the images in flight
// hold.
func NewMetrics(reg prometheus.Registerer, limiter *Limiter) *Metrics {
	m := &Metrics{
		processed: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "herald_media_processed_total", Help: "Images processed into variants, by original format.",
		}, []string{"format"}),
		refusals: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "herald_media_refused_total", Help: "Images refused, by reason (too-large, too-small, svg, corrupt, ...).",
		}, []string{"reason"}),
		mismatch: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "herald_media_content_type_mismatches_total", Help: "Images whose Content-Type named another format than their bytes.",
		}),
		bytes: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "herald_media_bytes_total", Help: "Bytes of processed originals and of the variants made of them.",
		}, []string{"kind"}),
		duration: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "herald_media_process_seconds", Help: "Time to make the variants of one image, waiting for memory included.",
			Buckets: prometheus.ExponentialBuckets(0.005, 2.5, 10),
		}),
	}
	reg.MustRegister(m.processed, m.refusals, m.mismatch, m.bytes, m.duration)
	if limiter != nil {
		reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "herald_media_memory_reserved_bytes", Help: "Estimated memory held by the images being processed now.",
		}, func() float64 { return float64(limiter.InUse()) }))
	}
	return m
}

func (m *Metrics) refused(reason string) {
	if m != nil {
		m.refusals.WithLabelValues(reason).Inc()
	}
}

func (m *Metrics) mismatched() {
	if m != nil {
		m.mismatch.Inc()
	}
}

func (m *Metrics) done(original int, res *Result, d time.Duration) {
	if m == nil {
		return
	}
	m.processed.WithLabelValues(string(res.Format)).Inc()
	m.bytes.WithLabelValues("original").Add(float64(original))
	var out int
	for _, v := range res.Variants {
		out += len(v.Bytes)
	}
	m.bytes.WithLabelValues("variants").Add(float64(out))
	m.duration.Observe(d.Seconds())
}
