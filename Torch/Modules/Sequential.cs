namespace Workflow.Torch.Modules;

/// <summary>
/// Layers applied in order, keyed by position (torch.nn.Sequential). A null slot is a weightless layer that
/// does nothing at inference (a dropout) and keeps its index, so <c>to_out.0</c> stays <c>to_out.0</c>.
/// </summary>
public sealed class Sequential : Module, ITensorModule
{
    private readonly ITensorModule?[] _layers;

    public Sequential(params ITensorModule?[] layers)
    {
        _layers = layers;
        for (var i = 0; i < layers.Length; i++)
            if (layers[i] is Module module)
                Register(i.ToString(System.Globalization.CultureInfo.InvariantCulture), module);
    }

    public ITensorModule? this[int index] => _layers[index];

    public int Count => _layers.Length;

    /// <summary>Each layer in turn; intermediate results are disposed as soon as the next layer has used them.</summary>
    public Tensor Forward(Tensor input)
    {
        var current = input;
        foreach (var layer in _layers)
        {
            if (layer is null)
                continue;
            var next = layer.Forward(current);
            if (!ReferenceEquals(current, input) && !ReferenceEquals(current, next))
                current.Dispose();
            current = next;
        }
        return ReferenceEquals(current, input) ? input.alias() : current;
    }
}
