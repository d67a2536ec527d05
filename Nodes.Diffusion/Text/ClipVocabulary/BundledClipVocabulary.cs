using System.IO.Compression;
using System.Text;

namespace Workflow.Nodes.Diffusion.Text;

/// <summary>
/// OpenAI CLIP's BPE vocabulary, shipped inside this plugin as ComfyUI ships comfy/sd1_tokenizer/: vocab.json and
/// merges.txt as transformers writes them for openai/clip-vit-large-patch14 (the tokenizer/ folder of every SD1.x
/// diffusers download), gzip-compressed as embedded resources. A single-file checkpoint, which carries no tokenizer,
/// needs no tokenizer files beside it. MIT licence: THIRD-PARTY-NOTICES.md in this folder and the plugin's output.
/// </summary>
public static class BundledClipVocabulary
{
    private const string ResourcePrefix = "ClipVocabulary.";

    /// <summary>What <see cref="ClipTokenizer"/>'s errors call this vocabulary.</summary>
    public const string Source = "the CLIP vocabulary bundled with the diffusion plugin";

    /// <summary>CLIP's tokenizer (transformers' defaults for its special tokens: start, end, and end as padding).</summary>
    public static ClipTokenizer Tokenizer() =>
        ClipTokenizer.FromText(new ClipVocabularyText(Text("vocab.json"), Text("merges.txt"), Source + " (vocab.json)"), config: null, Source);

    /// <summary>The bytes of a bundled file ("vocab.json" or "merges.txt"), decompressed.</summary>
    public static byte[] Read(string fileName)
    {
        using var resource = typeof(BundledClipVocabulary).Assembly.GetManifestResourceStream(ResourcePrefix + fileName + ".gz")
            ?? throw new InvalidOperationException($"The diffusion plugin was built without its bundled {fileName}.");
        using var gzip = new GZipStream(resource, CompressionMode.Decompress);
        using var bytes = new MemoryStream();
        gzip.CopyTo(bytes);
        return bytes.ToArray();
    }

    private static string Text(string fileName) => Encoding.UTF8.GetString(Read(fileName));
}
