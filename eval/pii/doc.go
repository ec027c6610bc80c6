// Package pii scores a PII detector against labeled data, the way
// presidio-research scores Presidio: span-level with an IoU threshold,
// exact-match and token-level precision, recall and F-β per entity type,
// type-agnostic "any PII" scores, a confusion matrix, and the leak rate —
// the fraction of gold PII characters no predicted span covers.
//
// Offsets in data files are Unicode code points, end-exclusive; Records
// hold byte offsets; all scoring happens in code points.
//
//	recs, err := pii.ReadFile("synth.json", pii.FormatAuto)
//	m, _ := labelmaps.Load("presidio")
//	rep, err := pii.Evaluate(ctx, recs, detect, pii.Options{LabelMap: m})
//	rep.WriteTable(os.Stdout)
package pii
