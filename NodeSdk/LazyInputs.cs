namespace Workflow.NodeSdk;

/// <summary>
/// A node whose inputs marked <c>[Input(Lazy = true)]</c> are evaluated only when it asks for them (ComfyUI's
/// check_lazy_status): a switch runs only the branch it picks, and the other branch costs nothing, failures included.
/// Before Execute the host asks which lazy inputs are needed, given those evaluated so far, evaluates them, and asks
/// again until nothing new is asked for (so one input may decide whether another is needed). Execute then receives a
/// lazy input never asked for as null. Fed lists, the node is asked once per element, and the answers are joined.
/// </summary>
public interface ILazyInputs
{
    /// <summary>
    /// Wire names of the lazy inputs the node needs. <paramref name="evaluated"/> holds widget values and the linked
    /// inputs evaluated so far; a lazy input not evaluated yet is absent from it. Names already evaluated are ignored.
    /// </summary>
    IEnumerable<string> InputsNeeded(InputValues evaluated);
}
