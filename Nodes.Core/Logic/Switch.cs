using Workflow.NodeSdk;

namespace Workflow.Nodes.Core.Logic;

/// <summary>
/// Passes one of two inputs on, picked by a boolean, and evaluates only that one (ComfyUI's ComfySwitchNode, with
/// lazy inputs): the other branch never runs, so neither its cost nor its failures count.
/// </summary>
[Node("Switch", Aliases = ["ComfySwitchNode"], Category = "logic",
      Description = "Routes one of two inputs to the output by a boolean; only the picked input is evaluated.")]
public sealed class Switch : INode, ILazyInputs
{
    public object Execute(
        [Input(Tooltip = "true passes on_true on, false passes on_false on.")] bool @switch,
        [Input(Lazy = true, Tooltip = "The output when switch is false; evaluated only then.")] object onFalse,
        [Input(Lazy = true, Tooltip = "The output when switch is true; evaluated only then.")] object onTrue)
        => @switch ? onTrue : onFalse;

    public IEnumerable<string> InputsNeeded(InputValues evaluated) => [evaluated.Get<bool>("switch") ? "on_true" : "on_false"];
}
