// Package embed is the embedding nearest-neighbour NLU back-end.
//
// An Embedder turns texts into vectors: OpenAI calls any OpenAI-compatible
// embeddings endpoint through go-openai (in batches); Local needs no
// network (hashed word and character n-gram TF-IDF vectors), for the
// embedded default. An Index stores the embedded training examples: Memory
// (exact cosine, in process) or Postgres (pgvector, HNSW cosine, the
// intent_vectors table of store/postgres). Classifier ties them together
// as an nlu.Trainer:
//
//	c, err := embed.New(embed.NewLocal(0), embed.NewMemory(), embed.Config{})
//	err = c.Train(ctx, examples)          // embeds and stores the examples
//	res, err := c.Parse(ctx, "where is my parcel <ORDER_ID_1>")
//
// Parse retrieves the K nearest examples, scores each of their intents by
// the mean similarity of its best TopK examples, and turns the scores into
// confidences with a softmax (see Rank). Everything embedded is training
// data or pseudonymized text.
package embed
