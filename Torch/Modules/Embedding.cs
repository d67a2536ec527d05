namespace Workflow.Torch.Modules;

/// <summary>torch.nn.Embedding: rows of <c>weight</c> [num_embeddings, embedding_dim] picked by integer ids.</summary>
public sealed class Embedding : Module, ITensorModule
{
    public Embedding(long num_embeddings, long embedding_dim) => weight = Parameter("weight", num_embeddings, embedding_dim);

    public Tensor weight { get; }

    public Tensor Forward(Tensor input) => F.embedding(input, weight);
}
