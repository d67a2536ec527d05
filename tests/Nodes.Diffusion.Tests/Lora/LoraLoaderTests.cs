using Microsoft.Extensions.Logging;
using Workflow.Nodes.Diffusion.Components;
using Workflow.Nodes.Diffusion.Loading;
using Workflow.Nodes.Diffusion.Nodes;
using Workflow.Nodes.Diffusion.Patching;
using Workflow.NodeSdk;
using Workflow.Testing;
using Workflow.Torch;
using Workflow.Torch.Modules;

namespace Workflow.Nodes.Diffusion.Tests.Lora;

/// <summary>
/// LoraLoader and LoraLoaderModelOnly on sd15-tiny's architecture with random weights: a LoRA written here in each key
/// layout changes exactly the weights it targets by strength × up·down × alpha/rank (a linear and a LoCon conv layer
/// of the UNet, a linear of CLIP), the patched networks compute as networks with those weights written in, and the
/// shared weights are never written. Bad files are refused naming the file, the layer and the shapes.
/// </summary>
public sealed class LoraLoaderTests : IDisposable
{
    private const string AttentionQuery = "down_blocks.0.attentions.0.transformer_blocks.0.attn1.to_q";
    private const string ResnetConv = "down_blocks.0.resnets.0.conv1";
    private const string ClipQuery = "text_model.encoder.layers.0.self_attn.q_proj";
    private const double Strength = 0.7;

    private readonly TemporaryBase _base = new("lora-");
    private readonly LoadedCheckpoint _checkpoint = RandomCheckpoint.Create(RandomModelPreset.Sd15Tiny, seed: 3);
    private readonly Generator _generator = new(11);

    public void Dispose()
    {
        _checkpoint.Model.Dispose();
        _checkpoint.Clip.Dispose();
        _checkpoint.Vae.Dispose();
        _generator.Dispose();
        _base.Dispose();
    }

    private Module Unet => _checkpoint.Model.Network.Module;

    private ClipModel Clip => (ClipModel)_checkpoint.Clip;

    [Theory]
    [InlineData(LoraLayout.Kohya, 2.0)]
    [InlineData(LoraLayout.Peft, null)]
    [InlineData(LoraLayout.Diffusers, null)]
    public void Each_layout_changes_exactly_the_targeted_weights_by_strength_times_up_down_times_alpha_over_rank(LoraLayout layout, double? alpha)
    {
        var layers = Layers(alpha);
        TestLoras.Write(LoraPath("style.safetensors"), layout, layers);
        var before = Snapshot(Unet).Concat(Snapshot(Clip.Encoder)).ToDictionary();

        var outputs = new LoraLoader().Execute(Context(), _checkpoint.Model, Clip, "style.safetensors", Strength, -Strength);
        using var model = outputs.Model;
        using var clip = (ClipModel)outputs.Clip;

        AssertPatched(Unet, model.WeightDeltas, layers.Where(l => !l.TextEncoder), Strength);
        AssertPatched(Clip.Encoder, clip.WeightDeltas, layers.Where(l => l.TextEncoder), -Strength);
        AssertUnchanged(before, Snapshot(Unet).Concat(Snapshot(Clip.Encoder)));
        DisposeAll(layers);
    }

    [Fact]
    public void The_patched_model_computes_as_the_network_with_the_deltas_written_in_and_the_base_is_left_as_it_was()
    {
        var layers = Layers(alpha: 3.0);
        TestLoras.Write(LoraPath("style.safetensors"), LoraLayout.Kohya, layers);
        using var sample = torch.randn([1, 4, 8, 8], _generator);
        using var timestep = torch.tensor<long>([500], []);
        using var context = torch.randn([1, 77, Clip.Encoder.Config.HiddenSize], _generator);
        using var plainBefore = _checkpoint.Model.Forward(sample, timestep, context);

        using var patched = new LoraLoaderModelOnly().Execute(Context(), _checkpoint.Model, "style.safetensors", Strength);
        using var patchedOutput = patched.Forward(sample, timestep, context);
        using var plainAfter = _checkpoint.Model.Forward(sample, timestep, context);
        using var reference = RandomCheckpoint.Create(RandomModelPreset.Sd15Tiny, seed: 3).Model;
        WriteIn(reference.Network.Module, layers.Where(l => !l.TextEncoder), Strength);
        using var expected = reference.Forward(sample, timestep, context);

        Assert.True(patchedOutput.allclose(expected, rtol: 1e-4, atol: 1e-5), $"max difference {(patchedOutput - expected).abs().max().item<float>()}");
        Assert.False(patchedOutput.allclose(plainBefore, rtol: 1e-4, atol: 1e-5), "the LoRA changed nothing");
        Assert.True(plainAfter.equal(plainBefore), "the base MODEL's output changed after the patched one ran");
        DisposeAll(layers);
    }

    [Fact]
    public void A_checkpoint_loaded_by_mapping_keeps_its_weights_its_views_and_its_file_as_they_were()
    {
        var layers = Layers(alpha: 2.0);
        TestLoras.Write(LoraPath("style.safetensors"), LoraLayout.Kohya, layers);
        var path = Path.Combine(_base.Root, "tiny.safetensors");
        LdmCheckpointFile.Save(path, _checkpoint);
        var fileBefore = File.ReadAllBytes(path);
        using var mapped = CheckpointLoader.Load(path, []);
        var (unet, encoder) = (mapped.Model.Network.Module, ((ClipModel)mapped.Clip).Encoder);
        var before = Snapshot(unet).Concat(Snapshot(encoder)).ToDictionary();
        using var sample = torch.randn([1, 4, 8, 8], _generator);
        using var timestep = torch.tensor<long>([500], []);
        using var context = torch.randn([1, 77, encoder.Config.HiddenSize], _generator);

        var outputs = new LoraLoader().Execute(Context(), mapped.Model, mapped.Clip, "style.safetensors", Strength, Strength);
        using var model = outputs.Model;
        using var clip = (ClipModel)outputs.Clip;
        using (model.Forward(sample, timestep, context))
        using (clip.Encode("a red house", Context().Logger))
        {
            AssertPatched(unet, model.WeightDeltas, layers.Where(l => !l.TextEncoder), Strength);
        }

        AssertUnchanged(before, Snapshot(unet).Concat(Snapshot(encoder)));
        Assert.All(unet.named_parameters().Concat(encoder.named_parameters()), p => Assert.True(ProcessMaps.Views(p.Tensor, path), $"{p.Name} is no longer a view of the file"));
        Assert.Equal(fileBefore, File.ReadAllBytes(path));
        DisposeAll(layers);
    }

    [Fact]
    public void The_patched_clip_encodes_as_the_encoder_with_the_deltas_written_in_and_strength_zero_is_the_base()
    {
        var layers = Layers(alpha: 1.0);
        TestLoras.Write(LoraPath("style.safetensors"), LoraLayout.Peft, layers);
        var logger = new TestNodeContext(_base.Paths).Logger;
        using var plain = Clip.Encode("a red house", logger);

        var strong = new LoraLoader().Execute(Context(), _checkpoint.Model, Clip, "style.safetensors", 1.0, Strength);
        var unloaded = new LoraLoader().Execute(Context(), _checkpoint.Model, Clip, "style.safetensors", 1.0, 0.0);
        using var strongClip = (ClipModel)strong.Clip;
        using var unloadedClip = (ClipModel)unloaded.Clip;
        using var encoded = strongClip.Encode("a red house", logger);
        using var unloadedEncoded = unloadedClip.Encode("a red house", logger);
        strong.Model.Dispose();
        unloaded.Model.Dispose();
        using var reference = RandomCheckpoint.Create(RandomModelPreset.Sd15Tiny, seed: 3).Clip;
        WriteIn(((ClipModel)reference).Encoder, layers.Where(l => l.TextEncoder), Strength);
        using var expected = ((ClipModel)reference).Encode("a red house", logger);

        var (actual, wanted) = (encoded.Entries[0].Embeddings, expected.Entries[0].Embeddings);
        Assert.True(actual.allclose(wanted, rtol: 1e-4, atol: 1e-5), $"max difference {(actual - wanted).abs().max().item<float>()}");
        Assert.False(actual.allclose(plain.Entries[0].Embeddings, rtol: 1e-4, atol: 1e-5), "the LoRA changed nothing");
        Assert.True(unloadedEncoded.Entries[0].Embeddings.equal(plain.Entries[0].Embeddings), "strength 0 changed the encoding");
        Assert.Empty(unloadedClip.WeightDeltas);
        DisposeAll(layers);
    }

    [Fact]
    public void A_call_that_fails_inside_the_patched_network_leaves_no_LoRA_behind()
    {
        var layers = Layers(alpha: 3.0);
        TestLoras.Write(LoraPath("style.safetensors"), LoraLayout.Kohya, layers);
        using var sample = torch.randn([1, 4, 8, 8], _generator);
        using var timestep = torch.tensor<long>([500], []);
        using var context = torch.randn([1, 77, Clip.Encoder.Config.HiddenSize], _generator);
        using var wrongContext = torch.randn([1, 77, Clip.Encoder.Config.HiddenSize + 1], _generator);
        using var plainBefore = _checkpoint.Model.Forward(sample, timestep, context);
        using var patched = new LoraLoaderModelOnly().Execute(Context(), _checkpoint.Model, "style.safetensors", Strength);

        Assert.ThrowsAny<Exception>(() => patched.Forward(sample, timestep, wrongContext));
        using var plainAfter = _checkpoint.Model.Forward(sample, timestep, context);

        Assert.True(plainAfter.equal(plainBefore), "the base MODEL computed with the LoRA after a failed patched call");
        DisposeAll(layers);
    }

    [Fact]
    public void A_CLIP_other_than_SD1s_is_refused_naming_clip()
    {
        using var clip = new MissingClip("sd3_medium.safetensors");

        var error = Assert.Throws<InputException>(() => new LoraLoader().Execute(Context(), _checkpoint.Model, clip, "style.safetensors"));

        Assert.Equal("clip", error.InputName);
        Assert.Contains("LoraLoaderModelOnly", error.Message);
    }

    [PyTorchFact]
    public void A_pickled_LoRA_reads_as_its_safetensors()
    {
        var layers = Layers(alpha: 2.0);
        TestLoras.Write(LoraPath("style.safetensors"), LoraLayout.Kohya, layers);
        ReferencePython.Run(Path.Combine(AppContext.BaseDirectory, "Data", "save_as_bin.py"), LoraPath("style.safetensors"), LoraPath("style.pt"), "flat");

        using var fromSafetensors = new LoraLoaderModelOnly().Execute(Context(), _checkpoint.Model, "style.safetensors", Strength);
        using var fromPickle = new LoraLoaderModelOnly().Execute(Context(), _checkpoint.Model, "style.pt", Strength);

        Assert.Equal(fromSafetensors.WeightDeltas.Select(d => (d.WeightKey, d.Scale)), fromPickle.WeightDeltas.Select(d => (d.WeightKey, d.Scale)));
        foreach (var (a, b) in fromSafetensors.WeightDeltas.Zip(fromPickle.WeightDeltas))
            Assert.True(a.Up.equal(b.Up) && a.Down.equal(b.Down), $"{a.WeightKey} differs between the pickle and the safetensors");
        DisposeAll(layers);
    }

    [Fact]
    public void Keys_that_address_nothing_are_a_warning_naming_how_many_and_some()
    {
        var layers = Layers(alpha: null);
        using var stray = torch.zeros([2, 2]);
        TestLoras.Write(LoraPath("style.safetensors"), LoraLayout.Kohya, layers,
            new Dictionary<string, Tensor> { ["lora_unet_no_such_block.lora_up.weight"] = stray, ["lora_unet_no_such_block.lora_down.weight"] = stray });
        var context = new TestNodeContext(_base.Paths);

        var outputs = new LoraLoader().Execute(context, _checkpoint.Model, Clip, "style.safetensors", Strength, Strength);
        outputs.Model.Dispose();
        outputs.Clip.Dispose();

        var warning = Assert.Single(context.Logs, l => l.Level == LogLevel.Warning);
        Assert.Contains("lora key not loaded: 1 ", warning.Message);
        Assert.Contains("lora_unet_no_such_block", warning.Message);
        DisposeAll(layers);
    }

    [Fact]
    public void A_file_of_which_nothing_applies_is_refused_naming_it()
    {
        using var stray = torch.zeros([2, 2]);
        TestLoras.Write(LoraPath("other.safetensors"), LoraLayout.Kohya, [],
            new Dictionary<string, Tensor> { ["lora_unet_no_such_block.lora_up.weight"] = stray, ["lora_unet_no_such_block.lora_down.weight"] = stray });

        var error = Assert.Throws<InputException>(() => new LoraLoaderModelOnly().Execute(Context(), _checkpoint.Model, "other.safetensors", 1.0));

        Assert.Equal("lora_name", error.InputName);
        Assert.Contains("other.safetensors", error.Message);
        Assert.Contains("lora_unet_no_such_block", error.Message);
    }

    [Fact]
    public void Factors_that_do_not_fit_their_weight_are_refused_naming_the_layer_and_the_shapes()
    {
        var weight = Unet.state_dict()[AttentionQuery + ".weight"].shape;
        var misfit = new TestLoraLayer(false, AttentionQuery, torch.zeros([weight[0], 4]), torch.zeros([4, weight[1] + 1]), null);
        TestLoras.Write(LoraPath("misfit.safetensors"), LoraLayout.Kohya, [misfit]);

        var error = Assert.Throws<InputException>(() => new LoraLoaderModelOnly().Execute(Context(), _checkpoint.Model, "misfit.safetensors", 1.0));

        Assert.Equal("lora_name", error.InputName);
        Assert.Contains("lora_unet_down_blocks_0_attentions_0_transformer_blocks_0_attn1_to_q", error.Message);
        Assert.Contains($"down [4, {weight[1] + 1}]", error.Message);
        Assert.Contains($"{AttentionQuery}.weight [{weight[0]}, {weight[1]}]", error.Message);
        DisposeAll([misfit]);
    }

    [Fact]
    public void A_Tucker_factor_is_refused_by_name()
    {
        var layers = Layers(alpha: null);
        using var mid = torch.zeros([4, 4, 3, 3]);
        TestLoras.Write(LoraPath("tucker.safetensors"), LoraLayout.Kohya, layers, new Dictionary<string, Tensor> { ["lora_unet_down_blocks_0_resnets_0_conv1.lora_mid.weight"] = mid });

        var error = Assert.Throws<InputException>(() => new LoraLoaderModelOnly().Execute(Context(), _checkpoint.Model, "tucker.safetensors", 1.0));

        Assert.Contains("lora_mid", error.Message);
        DisposeAll(layers);
    }

    private List<TestLoraLayer> Layers(double? alpha) =>
    [
        TestLoras.Layer(Unet, AttentionQuery, textEncoder: false, rank: 4, alpha, _generator),
        TestLoras.Layer(Unet, ResnetConv, textEncoder: false, rank: 2, alpha, _generator),
        TestLoras.Layer(Clip.Encoder, ClipQuery, textEncoder: true, rank: 4, alpha, _generator),
    ];

    private string LoraPath(string name) => Path.Combine(_base.Paths.Models, "loras", name);

    private TestNodeContext Context() => new(_base.Paths);

    /// <summary>The weights the patch computes are the targeted ones, each the base plus the delta from the definition.</summary>
    private static void AssertPatched(Module module, IReadOnlyList<WeightDelta> deltas, IEnumerable<TestLoraLayer> layers, double strength)
    {
        using var patched = PatchedWeights.Apply(module, deltas.ToList());
        var weights = module.state_dict();
        var expectedKeys = layers.Select(l => l.WeightKey).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(expectedKeys, patched.ByKey.Keys.Order(StringComparer.Ordinal));
        foreach (var layer in layers)
        {
            var weight = weights[layer.WeightKey];
            using var scope = torch.NewDisposeScope();
            var expected = weight + layer.Delta(strength, weight.shape);
            var actual = patched.ByKey[layer.WeightKey];
            Assert.True(actual.allclose(expected, rtol: 1e-6, atol: 1e-6), $"{layer.WeightKey}: max difference {(actual - expected).abs().max().item<float>()}");
            Assert.NotSame(weight, actual);
        }
    }

    private static Dictionary<string, Tensor> Snapshot(Module module) => module.state_dict().ToDictionary(p => p.Key, p => p.Value.clone());

    private static void AssertUnchanged(Dictionary<string, Tensor> before, IEnumerable<KeyValuePair<string, Tensor>> after)
    {
        foreach (var (key, tensor) in after)
        {
            Assert.True(tensor.equal(before[key]), $"{key} of the shared weights was written");
            tensor.Dispose();
            before[key].Dispose();
        }
    }

    private static void WriteIn(Module module, IEnumerable<TestLoraLayer> layers, double strength)
    {
        var weights = module.state_dict();
        foreach (var layer in layers)
        {
            using var delta = layer.Delta(strength, weights[layer.WeightKey].shape);
            weights[layer.WeightKey].add_(delta);
        }
    }

    private static void DisposeAll(IEnumerable<TestLoraLayer> layers)
    {
        foreach (var layer in layers)
        {
            layer.Up.Dispose();
            layer.Down.Dispose();
        }
    }
}
