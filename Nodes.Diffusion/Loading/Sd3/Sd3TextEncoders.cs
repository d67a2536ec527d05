using Workflow.Nodes.Diffusion.Components;
using Workflow.Nodes.Diffusion.Models.Clip;
using Workflow.Nodes.Diffusion.Models.T5;
using Workflow.Nodes.Diffusion.Text;
using Workflow.Torch.IO;

namespace Workflow.Nodes.Diffusion.Loading.Sd3;

/// <summary>
/// SD3's text encoders from a file in transformers' key layout, under a prefix (a single file's
/// text_encoders.clip_l.transformer., or none in models/clip/ files), with the tokenizer each needs. A CLIP without
/// text_projection.weight projects its pooled output by the identity (diffusers' from_single_file sets torch.eye
/// there); T5's embedding may be named shared.weight or encoder.embed_tokens.weight (the two are tied).
/// </summary>
public static class Sd3TextEncoders
{
    public static ProjectedClip LoadClip(ITensorFile file, string prefix, ClipTextConfig config, string tokenizerFolder)
    {
        var source = new RenamedTensorSource(file, prefix, k => k);
        var tokenizer = ClipTokenizer.Load(tokenizerFolder);
        var encoder = ModuleLoading.LoadInto(new ClipTextModel(config, withProjection: source.TryGetShape("text_projection.weight", out _)), source, ignore: ["position_ids$"]);
        return new ProjectedClip(encoder, tokenizer);
    }

    public static T5Text LoadT5(ITensorFile file, string prefix, T5Config config, string tokenizerFolder)
    {
        bool hasShared = file.Contains(prefix + "shared.weight");
        var source = new RenamedTensorSource(file, prefix, k => k == "encoder.embed_tokens.weight" && !hasShared ? "shared.weight" : k);
        var tokenizer = T5Tokenizer.Load(tokenizerFolder);
        return new T5Text(ModuleLoading.LoadInto(new T5EncoderModel(config), source, ignore: [@"^encoder\.embed_tokens\.weight$"]), tokenizer);
    }

    /// <summary>The first of <paramref name="candidates"/> holding <paramref name="requiredFile"/>; else a failure naming them all and what the tokenizer is for.</summary>
    public static string FindTokenizer(IEnumerable<string> candidates, string requiredFile, string what, string checkpoint)
    {
        var folders = candidates.ToList();
        return folders.FirstOrDefault(f => File.Exists(Path.Combine(f, requiredFile)))
            ?? throw new FileNotFoundException($"{checkpoint} carries no {what} tokenizer; put its files ({requiredFile} …, the tokenizer folder of an SD3 diffusers download) in one of: {string.Join(", ", folders)}.");
    }
}
