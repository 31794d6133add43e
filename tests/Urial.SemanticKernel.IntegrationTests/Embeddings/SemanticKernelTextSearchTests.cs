using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.VectorData;
using Microsoft.SemanticKernel.Data;

namespace Urial.SemanticKernel.IntegrationTests.Embeddings;

#pragma warning disable SKEXP0001 // VectorStoreTextSearch is experimental in Semantic Kernel 1.82

/// <summary>Semantic Kernel's vector-store text search embeds its queries with the Urial generator.</summary>
public sealed class SemanticKernelTextSearchTests(SharedEmbeddingGenerator shared) : IClassFixture<SharedEmbeddingGenerator>
{
    private static readonly string[] s_documents =
    [
        "Tom found a red ball under the big tree.",
        "The little fish swam in the blue sea all day.",
        "Mom made soup because it was cold outside.",
        "The cat slept on the warm bed next to the dog.",
    ];

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_query_that_is_one_of_the_documents_finds_that_document_first()
    {
        var generator = shared.Generator;
        var vectors = await generator.GenerateAsync(s_documents, cancellationToken: Token);
        var store = new ListSearch([.. s_documents.Select((text, i) => new Document(text, vectors[i].Vector))]);
        ITextSearch<Document> search = new VectorStoreTextSearch<Document>(store, generator, new TextSearchStringMapper(record => ((Document)record).Text));

        foreach (var query in s_documents)
        {
            var results = await search.SearchAsync(query, new TextSearchOptions<Document> { Top = 2 }, Token);
            var found = await results.Results.ToListAsync(Token);

            Assert.Equal(2, found.Count);
            Assert.Equal(query, found[0]);
        }

        Assert.IsType<ReadOnlyMemory<float>>(store.LastQuery); // the query came as our vector, embedded by Semantic Kernel through the generator
    }

    /// <summary>A record: the text and its vector.</summary>
    public sealed record Document(string Text, ReadOnlyMemory<float> Vector);

    /// <summary>A vector search over a list, by cosine similarity (the vectors are unit length, so the dot product).</summary>
    private sealed class ListSearch(List<Document> documents) : IVectorSearchable<Document>
    {
        public object? LastQuery { get; private set; }

        public async IAsyncEnumerable<VectorSearchResult<Document>> SearchAsync<TInput>(
            TInput searchValue, int top, VectorSearchOptions<Document>? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
            where TInput : notnull
        {
            LastQuery = searchValue;
            var query = searchValue switch
            {
                ReadOnlyMemory<float> memory => memory,
                Embedding<float> embedding => embedding.Vector,
                float[] array => array,
                _ => throw new NotSupportedException($"Search input {typeof(TInput)} is not a vector."),
            };
            await Task.Yield();
            foreach (var (document, score) in documents.Select(d => (d, Dot(d.Vector.Span, query.Span))).OrderByDescending(pair => pair.Item2).Take(top))
            {
                cancellationToken.ThrowIfCancellationRequested();
                yield return new VectorSearchResult<Document>(document, score);
            }
        }

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        private static double Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
        {
            var sum = 0.0;
            for (var i = 0; i < a.Length; i++)
            {
                sum += (double)a[i] * b[i];
            }

            return sum;
        }
    }
}
