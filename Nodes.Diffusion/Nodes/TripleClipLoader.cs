using Workflow.Nodes.Diffusion.Components;
using Workflow.Nodes.Diffusion.Loading;
using Workflow.Nodes.Diffusion.Loading.Sd3;
using Workflow.NodeSdk;
using Workflow.Torch.Modules;

namespace Workflow.Nodes.Diffusion.Nodes;

/// <summary>
/// ComfyUI's TripleCLIPLoader (recipe sd3): CLIP-L, CLIP-G and T5 from models/clip/, in any order — each file is
/// recognised by its keys, and of the two CLIPs the narrower is CLIP-L. Tokenizers come from
/// models/tokenizers/clip_l, clip_g and t5. Gives SD3's CLIP, which CLIPTextEncode encodes prompts with.
/// </summary>
[Node("TripleCLIPLoader", DisplayName = "TripleCLIPLoader", Category = "advanced/loaders",
      Description = "[Recipes]\n\nsd3: clip-l, clip-g, t5")]
public sealed class TripleClipLoader : INode, IFingerprint
{
    private static readonly string[] Inputs = ["clip_name1", "clip_name2", "clip_name3"];

    public IClip Execute(NodeContext context,
        [Combo(ModelFolder = "clip"), Input(Tooltip = "A text encoder file: CLIP-L, CLIP-G or T5.")] string clipName1,
        [Combo(ModelFolder = "clip"), Input(Tooltip = "A text encoder file: CLIP-L, CLIP-G or T5.")] string clipName2,
        [Combo(ModelFolder = "clip"), Input(Tooltip = "A text encoder file: CLIP-L, CLIP-G or T5.")] string clipName3,
        [Input(Tooltip = WeightDtypes.Tooltip)] WeightDtype? weightDtype = WeightDtype.Default)
    {
        var dtype = weightDtype.Resolve(context, context.Device);
        using var parameters = ParameterDtype.Use(dtype);
        string[] names = [clipName1, clipName2, clipName3];
        var files = new List<TextEncoderFile>();
        try
        {
            for (int i = 0; i < 3; i++)
            {
                var path = ModelFiles.Resolve(context.Paths, "clip", Inputs[i], names[i]);
                files.Add(ModelFiles.Load(Inputs[i], names[i], () => TextEncoderFile.Open(path)));
            }
            var t5 = Single(files, names, isT5: true, "T5");
            var clips = files.Where(f => !f.IsT5).OrderBy(f => f.Width).ToList();
            if (clips.Count != 2)
                throw new InputException(Inputs[files.IndexOf(clips[^1])], names[files.IndexOf(clips[^1])], "SD3 takes two CLIP text encoders (CLIP-L and CLIP-G) and one T5; this is a third CLIP");
            if (clips[0].Width == clips[1].Width)
                throw new InputException(Inputs[files.IndexOf(clips[1])], names[files.IndexOf(clips[1])],
                    $"both CLIPs are {clips[0].Width} wide: CLIP-L is told from CLIP-G by its narrower width");
            var tokenizers = Sd3TokenizerFolders.Under(TokenizerFolders.Root(context.Paths));
            var clip = Load(files, names, clips[0], f => f.LoadClip(clipG: false, Sd3TextEncoders.FindTokenizer(tokenizers.ClipL, "vocab.json", "CLIP-L", f.Path)));
            var clipG = Load(files, names, clips[1], f => f.LoadClip(clipG: true, Sd3TextEncoders.FindTokenizer(tokenizers.ClipG, "vocab.json", "CLIP-G", f.Path)), clip.Encoder);
            var t5Text = Load(files, names, t5, f => f.LoadT5(Sd3TextEncoders.FindTokenizer(tokenizers.T5, "spiece.model", "T5", f.Path)), clip.Encoder, clipG.Encoder);
            var result = new Sd3Clip(clip, clipG, t5Text, t5.Width);
            result.To(context.Device, dtype);
            return result;
        }
        finally
        {
            files.ForEach(f => f.Dispose());
        }
    }

    public Fingerprint GetFingerprint(InputValues literals, NodePaths paths) =>
        Fingerprint.Of(string.Join('\n', Inputs.Select(input => ModelFiles.Fingerprint(ModelFiles.Resolve(paths, "clip", input, literals.Get<string>(input))).Value)));

    private static TextEncoderFile Single(List<TextEncoderFile> files, string[] names, bool isT5, string what)
    {
        var matching = files.Where(f => f.IsT5 == isT5).ToList();
        if (matching.Count == 1)
            return matching[0];
        var culprit = matching.Count == 0 ? files[^1] : matching[^1];
        int index = files.IndexOf(culprit);
        throw new InputException(Inputs[index], names[index], matching.Count == 0
            ? $"SD3 takes CLIP-L, CLIP-G and {what}: no file is a {what} encoder"
            : $"SD3 takes one {what} encoder; this is another");
    }

    /// <summary>Loads one encoder, failures naming its input; what was loaded before is disposed when it fails.</summary>
    private static T Load<T>(List<TextEncoderFile> files, string[] names, TextEncoderFile file, Func<TextEncoderFile, T> load, params IDisposable[] loaded)
    {
        int index = files.IndexOf(file);
        try
        {
            return ModelFiles.Load(Inputs[index], names[index], () => load(file));
        }
        catch
        {
            foreach (var item in loaded)
                item.Dispose();
            throw;
        }
    }
}
