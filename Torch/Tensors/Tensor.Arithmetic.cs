using Workflow.Torch.Interop;

namespace Workflow.Torch;

// + - * / % ** with broadcasting, against tensors and scalars, and their in-place forms.
public sealed unsafe partial class Tensor
{
    public static Tensor operator +(Tensor a, Tensor b) => a.add(b);
    public static Tensor operator +(Tensor a, Scalar b) => a.add(b);
    public static Tensor operator +(Scalar a, Tensor b) => b.add(a);
    public static Tensor operator -(Tensor a, Tensor b) => a.sub(b);
    public static Tensor operator -(Tensor a, Scalar b) => a.sub(b);
    public static Tensor operator -(Scalar a, Tensor b) => b.rsub(a);
    public static Tensor operator *(Tensor a, Tensor b) => a.mul(b);
    public static Tensor operator *(Tensor a, Scalar b) => a.mul(b);
    public static Tensor operator *(Scalar a, Tensor b) => b.mul(a);
    public static Tensor operator /(Tensor a, Tensor b) => a.div(b);
    public static Tensor operator /(Tensor a, Scalar b) => a.div(b);
    public static Tensor operator /(Scalar a, Tensor b) => b.Apply(&Native.wt_rdiv_scalar, a);
    public static Tensor operator %(Tensor a, Tensor b) => a.remainder(b);
    public static Tensor operator %(Tensor a, Scalar b) => a.remainder(b);
    public static Tensor operator -(Tensor a) => a.neg();

    public Tensor add(Tensor other) => add(other, Scalar.One);

    /// <summary>this + alpha * other</summary>
    public Tensor add(Tensor other, Scalar alpha)
    {
        var result = Native.wt_add(Handle, other.Handle, alpha);
        GC.KeepAlive(this);
        GC.KeepAlive(other);
        return From(result);
    }

    public Tensor add(Scalar other) => add(other, Scalar.One);

    public Tensor add(Scalar other, Scalar alpha)
    {
        var result = Native.wt_add_scalar(Handle, other, alpha);
        GC.KeepAlive(this);
        return From(result);
    }

    public Tensor sub(Tensor other) => sub(other, Scalar.One);

    /// <summary>this - alpha * other</summary>
    public Tensor sub(Tensor other, Scalar alpha)
    {
        var result = Native.wt_sub(Handle, other.Handle, alpha);
        GC.KeepAlive(this);
        GC.KeepAlive(other);
        return From(result);
    }

    public Tensor sub(Scalar other) => sub(other, Scalar.One);

    public Tensor sub(Scalar other, Scalar alpha)
    {
        var result = Native.wt_sub_scalar(Handle, other, alpha);
        GC.KeepAlive(this);
        return From(result);
    }

    /// <summary>other - this</summary>
    public Tensor rsub(Scalar other) => Apply(&Native.wt_rsub_scalar, other);

    public Tensor mul(Tensor other) => Apply(&Native.wt_mul, other);
    public Tensor mul(Scalar other) => Apply(&Native.wt_mul_scalar, other);
    public Tensor div(Tensor other) => Apply(&Native.wt_div, other);
    public Tensor div(Scalar other) => Apply(&Native.wt_div_scalar, other);
    public Tensor pow(Tensor exponent) => Apply(&Native.wt_pow, exponent);
    public Tensor pow(Scalar exponent) => Apply(&Native.wt_pow_scalar, exponent);
    public Tensor remainder(Tensor other) => Apply(&Native.wt_remainder, other);
    public Tensor remainder(Scalar other) => Apply(&Native.wt_remainder_scalar, other);
    public Tensor maximum(Tensor other) => Apply(&Native.wt_maximum, other);
    public Tensor minimum(Tensor other) => Apply(&Native.wt_minimum, other);

    /// <summary>this + weight * (end - this)</summary>
    public Tensor lerp(Tensor end, Scalar weight)
    {
        var result = Native.wt_lerp(Handle, end.Handle, weight);
        GC.KeepAlive(this);
        GC.KeepAlive(end);
        return From(result);
    }

    public Tensor add_(Tensor other) => add_(other, Scalar.One);

    public Tensor add_(Tensor other, Scalar alpha)
    {
        TorchException.ThrowIfFailed(Native.wt_add_(Handle, other.Handle, alpha));
        GC.KeepAlive(other);
        return this;
    }

    public Tensor add_(Scalar other) => add_(other, Scalar.One);

    public Tensor add_(Scalar other, Scalar alpha)
    {
        TorchException.ThrowIfFailed(Native.wt_add_scalar_(Handle, other, alpha));
        return this;
    }

    public Tensor sub_(Tensor other) => sub_(other, Scalar.One);

    public Tensor sub_(Tensor other, Scalar alpha)
    {
        TorchException.ThrowIfFailed(Native.wt_sub_(Handle, other.Handle, alpha));
        GC.KeepAlive(other);
        return this;
    }

    public Tensor sub_(Scalar other) => sub_(other, Scalar.One);

    public Tensor sub_(Scalar other, Scalar alpha)
    {
        TorchException.ThrowIfFailed(Native.wt_sub_scalar_(Handle, other, alpha));
        return this;
    }

    public Tensor mul_(Tensor other) => InPlace(&Native.wt_mul_, other);
    public Tensor mul_(Scalar other) => InPlace(&Native.wt_mul_scalar_, other);
    public Tensor div_(Tensor other) => InPlace(&Native.wt_div_, other);
    public Tensor div_(Scalar other) => InPlace(&Native.wt_div_scalar_, other);
    public Tensor pow_(Tensor exponent) => InPlace(&Native.wt_pow_, exponent);
    public Tensor pow_(Scalar exponent) => InPlace(&Native.wt_pow_scalar_, exponent);
    public Tensor fill_(Scalar value) => InPlace(&Native.wt_fill_, value);
    public Tensor zero_() => InPlace(&Native.wt_zero_);
}
