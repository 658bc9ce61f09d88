//! Checks of the CPU kernels tenlab adds to Burn's, against the definitions, on random inputs
//! of odd shapes: the patched `burn-flex` (see `.patches/README.md`) — the convolution's
//! forward and backward, bias included (strides, dilation, asymmetric padding, groups), batch
//! normalisation (its statistics, output and gradients, in training and with running
//! statistics), max pooling (output and gradient), `mask_where` (both in-place paths, f32 and
//! f64), sigmoid, tanh, exp and GELU (computed without libm calls, in loops that vectorise)
//! with their gradients, and element-wise ops on broadcast operands and with a scalar.

#[cfg(test)]
mod tests {
    use burn::tensor::ops::ConvOptions;
    use burn::tensor::{Device, Distribution, Tensor};

    use crate::ops::testing::{relative_error, values};

    /// A convolution's sizes: input `[b, c_in, h, w]`, weight `[c_out, c_in / groups, kh, kw]`.
    #[derive(Clone, Copy, Debug)]
    struct Case {
        x: [usize; 4],
        w: [usize; 4],
        stride: [usize; 2],
        /// (begin, end) per spatial dimension.
        pad: [(usize, usize); 2],
        dilation: [usize; 2],
        groups: usize,
    }

    /// Output, input gradient and weight gradient from the definition, for the loss
    /// `sum(out * r)` (so that the output gradient is `r`).
    fn by_definition(c: Case, x: &[f64], w: &[f64], r: &[f64]) -> (Vec<f64>, Vec<f64>, Vec<f64>) {
        let [b, c_in, h, wd] = c.x;
        let [c_out, cpg, kh, kw] = c.w;
        let opg = c_out / c.groups;
        let oh = (h + c.pad[0].0 + c.pad[0].1 - c.dilation[0] * (kh - 1) - 1) / c.stride[0] + 1;
        let ow = (wd + c.pad[1].0 + c.pad[1].1 - c.dilation[1] * (kw - 1) - 1) / c.stride[1] + 1;
        let mut out = vec![0.0; b * c_out * oh * ow];
        let (mut dx, mut dw) = (vec![0.0; x.len()], vec![0.0; w.len()]);
        for n in 0..b {
            for co in 0..c_out {
                let g = co / opg;
                for y in 0..oh {
                    for z in 0..ow {
                        let o = ((n * c_out + co) * oh + y) * ow + z;
                        for ci in 0..cpg {
                            for i in 0..kh {
                                for j in 0..kw {
                                    let iy =
                                        (y * c.stride[0] + i * c.dilation[0]) as isize - c.pad[0].0 as isize;
                                    let ix =
                                        (z * c.stride[1] + j * c.dilation[1]) as isize - c.pad[1].0 as isize;
                                    if iy < 0 || ix < 0 || iy >= h as isize || ix >= wd as isize {
                                        continue;
                                    }
                                    let xi = ((n * c_in + g * cpg + ci) * h + iy as usize) * wd + ix as usize;
                                    let wi = ((co * cpg + ci) * kh + i) * kw + j;
                                    out[o] += x[xi] * w[wi];
                                    dx[xi] += r[o] * w[wi];
                                    dw[wi] += r[o] * x[xi];
                                }
                            }
                        }
                    }
                }
            }
        }
        (out, dx, dw)
    }

    fn check(c: Case, seed: u64) {
        let device = Device::flex().autodiff();
        device.seed(seed);
        let normal = Distribution::Normal(0.0, 1.0);
        let x = Tensor::<4>::random(c.x, normal, &device).require_grad();
        let w = Tensor::<4>::random(c.w, normal, &device).require_grad();
        let options = ConvOptions::new_with_padding(c.stride, c.pad, c.dilation, c.groups);
        let bias = Tensor::<1>::random([c.w[0]], normal, &device).require_grad();
        let out = burn::tensor::module::conv2d(x.clone(), w.clone(), Some(bias.clone()), options.clone());
        let r = Tensor::<4>::random(out.dims(), normal, &device);
        let grads = (out.clone() * r.clone()).sum().backward();
        let r = values(r);
        let (mut want_out, want_dx, want_dw) =
            by_definition(c, &values(x.clone().detach()), &values(w.clone().detach()), &r);
        // Without a bias, the output is the definition's as it stands.
        let unbiased = burn::tensor::module::conv2d(x.clone().detach(), w.clone().detach(), None, options);
        let e = relative_error(&values(unbiased), &want_out);
        assert!(e < 1e-4, "output without a bias of {c:?}: relative error {e:e}");
        // The bias, added to every output position of its channel; its gradient, the sum of
        // `r` over each channel.
        let plane = want_out.len() / (c.x[0] * c.w[0]);
        let mut want_db = vec![0.0; c.w[0]];
        for (k, (y, b)) in
            want_out.chunks_mut(plane).zip(values(bias.clone().detach()).iter().cycle()).enumerate()
        {
            y.iter_mut().for_each(|y| *y += b);
            want_db[k % c.w[0]] += r[k * plane..][..plane].iter().sum::<f64>();
        }
        let got_dx = values(x.grad(&grads).expect("x has a gradient"));
        let got_dw = values(w.grad(&grads).expect("w has a gradient"));
        let got_db = values(bias.grad(&grads).expect("the bias has a gradient"));
        for (what, got, want) in [
            ("output", values(out.detach()), want_out),
            ("input gradient", got_dx, want_dx),
            ("weight gradient", got_dw, want_dw),
            ("bias gradient", got_db, want_db),
        ] {
            let e = relative_error(&got, &want);
            assert!(e < 1e-4, "{what} of {c:?}: relative error {e:e}");
        }
    }

    #[test]
    fn the_convolution_backward_gives_the_gradients_of_the_definition() {
        let cases = [
            // A 3x3 same convolution, as the ResNet's (a batch of odd size).
            Case {
                x: [3, 4, 9, 9],
                w: [5, 4, 3, 3],
                stride: [1, 1],
                pad: [(1, 1), (1, 1)],
                dilation: [1, 1],
                groups: 1,
            },
            // Strided, as a ResNet's downsampling block, on an odd side.
            Case {
                x: [2, 3, 7, 7],
                w: [6, 3, 3, 3],
                stride: [2, 2],
                pad: [(1, 1), (1, 1)],
                dilation: [1, 1],
                groups: 1,
            },
            // 5x5 on one channel, as the CNN's first layer.
            Case {
                x: [2, 1, 11, 10],
                w: [3, 1, 5, 5],
                stride: [1, 1],
                pad: [(2, 2), (2, 2)],
                dilation: [1, 1],
                groups: 1,
            },
            // A 1x1 projection with stride 2.
            Case {
                x: [2, 4, 6, 5],
                w: [3, 4, 1, 1],
                stride: [2, 2],
                pad: [(0, 0), (0, 0)],
                dilation: [1, 1],
                groups: 1,
            },
            // Odd everything: non-square kernel, unequal strides, dilation, asymmetric padding.
            Case {
                x: [2, 3, 8, 11],
                w: [4, 3, 2, 3],
                stride: [2, 1],
                pad: [(1, 0), (0, 2)],
                dilation: [1, 2],
                groups: 1,
            },
            // Groups, and a kernel larger than the padded input in one direction.
            Case {
                x: [1, 4, 5, 6],
                w: [6, 2, 3, 2],
                stride: [1, 3],
                pad: [(0, 1), (1, 1)],
                dilation: [2, 1],
                groups: 2,
            },
            // Stride 1 and output rows as wide as the input's (planes moved whole), with
            // dilation, groups and fewer output rows than input rows.
            Case {
                x: [2, 4, 7, 6],
                w: [4, 2, 3, 3],
                stride: [1, 1],
                pad: [(0, 0), (2, 2)],
                dilation: [1, 2],
                groups: 2,
            },
            // The DCGAN discriminator's 4x4 stride-2 convolutions.
            Case {
                x: [2, 2, 8, 8],
                w: [3, 2, 4, 4],
                stride: [2, 2],
                pad: [(1, 1), (1, 1)],
                dilation: [1, 1],
                groups: 1,
            },
            // At least 32 output channels per group (the forward's product position-major), on
            // a 7x7 plane (three images per product, the last run holding two) and, with
            // groups, strided.
            Case {
                x: [5, 3, 7, 7],
                w: [32, 3, 3, 3],
                stride: [1, 1],
                pad: [(1, 1), (1, 1)],
                dilation: [1, 1],
                groups: 1,
            },
            Case {
                x: [3, 4, 9, 8],
                w: [64, 2, 3, 3],
                stride: [2, 2],
                pad: [(1, 1), (1, 1)],
                dilation: [1, 1],
                groups: 2,
            },
            // Batches large enough that several images share one matrix product (the last chunk
            // holding fewer), with groups, and strided.
            Case {
                x: [13, 4, 6, 5],
                w: [6, 2, 3, 3],
                stride: [1, 1],
                pad: [(1, 1), (1, 1)],
                dilation: [1, 1],
                groups: 2,
            },
            Case {
                x: [11, 2, 7, 7],
                w: [5, 2, 3, 3],
                stride: [2, 2],
                pad: [(1, 1), (1, 1)],
                dilation: [1, 1],
                groups: 1,
            },
        ];
        for (k, c) in cases.into_iter().enumerate() {
            check(c, k as u64 + 1);
        }
    }

    /// Batch norm by its definition in f64: output, mean, biased variance, and the gradients of
    /// `sum(out * r)` for x, gamma and beta.
    #[allow(clippy::type_complexity)]
    fn batch_norm_by_definition(
        shape: [usize; 4],
        x: &[f64],
        gamma: &[f64],
        beta: &[f64],
        r: &[f64],
        eps: f64,
    ) -> (Vec<f64>, Vec<f64>, Vec<f64>, Vec<f64>, Vec<f64>, Vec<f64>) {
        let [b, c, h, w] = shape;
        let s = h * w;
        let n = (b * s) as f64;
        let at = |k: usize, ch: usize, i: usize| (k * c + ch) * s + i;
        let (mut out, mut dx) = (vec![0.0; x.len()], vec![0.0; x.len()]);
        let (mut means, mut vars, mut dgamma, mut dbeta) = (vec![], vec![], vec![], vec![]);
        for ch in 0..c {
            let idx: Vec<usize> = (0..b).flat_map(|k| (0..s).map(move |i| at(k, ch, i))).collect();
            let mean = idx.iter().map(|&i| x[i]).sum::<f64>() / n;
            let var = idx.iter().map(|&i| (x[i] - mean).powi(2)).sum::<f64>() / n;
            let inv = 1.0 / (var + eps).sqrt();
            let x_hat: Vec<f64> = idx.iter().map(|&i| (x[i] - mean) * inv).collect();
            for (j, &i) in idx.iter().enumerate() {
                out[i] = x_hat[j] * gamma[ch] + beta[ch];
            }
            let sum_r: f64 = idx.iter().map(|&i| r[i]).sum();
            let sum_r_xhat: f64 = idx.iter().zip(&x_hat).map(|(&i, xh)| r[i] * xh).sum();
            for (j, &i) in idx.iter().enumerate() {
                dx[i] = gamma[ch] * inv * (r[i] - sum_r / n - x_hat[j] * sum_r_xhat / n);
            }
            means.push(mean);
            vars.push(var);
            dgamma.push(sum_r_xhat);
            dbeta.push(sum_r);
        }
        (out, means, vars, dx, dgamma, dbeta)
    }

    #[test]
    fn batch_norm_gives_the_statistics_output_and_gradients_of_the_definition() {
        let eps = 1e-5;
        for (k, shape) in [[3, 5, 7, 9], [1, 2, 1, 1], [4, 3, 1, 5]].into_iter().enumerate() {
            let device = Device::flex().autodiff();
            device.seed(k as u64 + 10);
            let c = shape[1];
            let x = Tensor::<4>::random(shape, Distribution::Normal(0.5, 2.0), &device).require_grad();
            let gamma = Tensor::<1>::random([c], Distribution::Normal(1.0, 0.5), &device).require_grad();
            let beta = Tensor::<1>::random([c], Distribution::Normal(0.0, 1.0), &device).require_grad();
            let r = Tensor::<4>::random(shape, Distribution::Normal(0.0, 1.0), &device);
            let train = burn::tensor::module::batch_norm_train(x.clone(), gamma.clone(), beta.clone(), eps);
            let grads = (train.output.clone() * r.clone()).sum().backward();
            let want = batch_norm_by_definition(
                shape,
                &values(x.clone().detach()),
                &values(gamma.clone().detach()),
                &values(beta.clone().detach()),
                &values(r),
                eps,
            );
            let got = [
                ("output", values(train.output.detach())),
                ("mean", values(train.mean.clone())),
                ("variance", values(train.variance.clone())),
                ("input gradient", values(x.grad(&grads).unwrap())),
                ("gamma gradient", values(gamma.grad(&grads).unwrap())),
                ("beta gradient", values(beta.grad(&grads).unwrap())),
            ];
            let wanted = [want.0, want.1, want.2, want.3, want.4, want.5];
            for ((what, got), want) in got.iter().zip(&wanted) {
                let e = relative_error(got, want);
                assert!(e < 1e-4, "batch norm {what} of {shape:?}: relative error {e:e}");
            }
            // With running statistics (inference): the same formula with given mean and variance.
            let inference = burn::tensor::module::batch_norm(
                x.clone().detach(),
                gamma.clone().detach(),
                beta.clone().detach(),
                train.mean,
                train.variance,
                eps,
            );
            let e = relative_error(&values(inference), &wanted[0]);
            assert!(e < 1e-4, "batch norm with given statistics of {shape:?}: relative error {e:e}");
        }
    }

    /// Max pooling by its definition (symmetric padding, floor or ceiling mode as PyTorch): the
    /// output and the gradient of `sum(out * r)` (each output's `r` goes to its window's maximum).
    fn max_pool_by_definition(
        shape: [usize; 4],
        x: &[f64],
        r: &[f64],
        options: &burn::tensor::ops::MaxPoolOptions<2>,
        out_hw: [usize; 2],
    ) -> (Vec<f64>, Vec<f64>) {
        let [b, c, h, w] = shape;
        let [oh, ow] = out_hw;
        let (mut out, mut dx) = (vec![f64::NEG_INFINITY; b * c * oh * ow], vec![0.0; x.len()]);
        for plane in 0..b * c {
            for y in 0..oh {
                for z in 0..ow {
                    let o = (plane * oh + y) * ow + z;
                    let mut best = None;
                    for i in 0..options.kernel_size[0] {
                        for j in 0..options.kernel_size[1] {
                            let iy = (y * options.stride[0] + i * options.dilation[0]) as isize
                                - options.padding[0].0 as isize;
                            let ix = (z * options.stride[1] + j * options.dilation[1]) as isize
                                - options.padding[1].0 as isize;
                            if iy < 0 || ix < 0 || iy >= h as isize || ix >= w as isize {
                                continue;
                            }
                            let xi = (plane * h + iy as usize) * w + ix as usize;
                            if best.is_none_or(|k: usize| x[xi] > x[k]) {
                                best = Some(xi);
                            }
                        }
                    }
                    let k = best.expect("every window holds an input");
                    out[o] = x[k];
                    dx[k] += r[o];
                }
            }
        }
        (out, dx)
    }

    #[test]
    fn max_pooling_gives_the_maximum_and_gradient_of_the_definition() {
        use burn::tensor::ops::MaxPoolOptions;
        let cases = [
            // The CNN's and the GAN's: 2x2 windows, stride 2, on odd and even sizes.
            ([3, 5, 28, 28], MaxPoolOptions::new([2, 2])),
            ([2, 3, 7, 9], MaxPoolOptions::new([2, 2])),
            // Overlapping windows with padding, as ResNet's stem would use.
            ([2, 2, 9, 8], MaxPoolOptions::new([3, 3]).with_stride([2, 2]).with_padding([1, 1])),
            // Dilation, unequal strides, ceiling mode.
            (
                [1, 3, 11, 10],
                MaxPoolOptions::new([2, 3]).with_stride([3, 2]).with_dilation([2, 1]).with_ceil_mode(true),
            ),
            ([1, 1, 1, 1], MaxPoolOptions::new([1, 1])),
        ];
        for (k, (shape, options)) in cases.into_iter().enumerate() {
            let device = Device::flex().autodiff();
            device.seed(k as u64 + 20);
            let x = Tensor::<4>::random(shape, Distribution::Normal(0.0, 1.0), &device).require_grad();
            let out = burn::tensor::module::max_pool2d(x.clone(), options.clone());
            let [_, _, oh, ow] = out.dims();
            let r = Tensor::<4>::random(out.dims(), Distribution::Normal(0.0, 1.0), &device);
            let grads = (out.clone() * r.clone()).sum().backward();
            let (want_out, want_dx) =
                max_pool_by_definition(shape, &values(x.clone().detach()), &values(r), &options, [oh, ow]);
            for (what, got, want) in [
                ("output", values(out.detach()), want_out),
                ("input gradient", values(x.grad(&grads).unwrap()), want_dx),
            ] {
                let e = relative_error(&got, &want);
                assert!(e < 1e-6, "max pool {what} of {shape:?} {options:?}: relative error {e:e}");
            }
        }
    }

    /// Points for an activation test: `random` draws of N(0, `std`), then `grid`, then
    /// `extremes`; as values and as a tensor that takes a gradient.
    fn points(
        device: &Device,
        seed: u64,
        std: f64,
        grid: impl Iterator<Item = f32>,
        extremes: &[f32],
    ) -> (Vec<f32>, Tensor<1>) {
        device.seed(seed);
        let mut xs: Vec<f32> = Tensor::<1>::random([4001], Distribution::Normal(0.0, std), device)
            .into_data()
            .iter::<f32>()
            .collect();
        xs.extend(grid);
        xs.extend_from_slice(extremes);
        let n = xs.len();
        let x = crate::tensors::floats(xs.clone(), [n], device).require_grad();
        (xs, x)
    }

    /// `f(x)` and the gradient of `sum(f(x))` with respect to `x`.
    fn value_and_gradient(f: fn(Tensor<1>) -> Tensor<1>, x: &Tensor<1>) -> (Vec<f64>, Vec<f64>) {
        let y = f(x.clone());
        let grads = y.clone().sum().backward();
        (values(y.detach()), values(x.grad(&grads).unwrap()))
    }

    #[test]
    fn sigmoid_and_tanh_and_their_gradients_match_the_definitions() {
        use burn::tensor::activation::{sigmoid, tanh};
        let device = Device::flex().autodiff();
        // Random values of every scale, the region where tanh changes formula, and extremes.
        let (xs, x) = points(
            &device,
            7,
            4.0,
            (-200..=200).map(|i| i as f32 * 0.005),
            &[0.625, -0.625, 0.6249, 30.0, -30.0, 90.0, -90.0, 1e-8, -1e-8, 0.0],
        );
        for (name, f, f64_of, df) in [
            (
                "sigmoid",
                sigmoid::<1> as fn(Tensor<1>) -> Tensor<1>,
                (|v: f64| 1.0 / (1.0 + (-v).exp())) as fn(f64) -> f64,
                (|v: f64| {
                    let s = 1.0 / (1.0 + (-v).exp());
                    s * (1.0 - s)
                }) as fn(f64) -> f64,
            ),
            ("tanh", tanh::<1>, f64::tanh, |v: f64| 1.0 - v.tanh().powi(2)),
        ] {
            let (got, dgot) = value_and_gradient(f, &x);
            for (i, &v) in xs.iter().enumerate() {
                let (want, dwant) = (f64_of(v as f64), df(v as f64));
                // Relative to the value, or absolute where the value is below f32's normal range.
                let close =
                    |a: f64, b: f64| (a - b).abs() <= 1e-5 * b.abs().max(1e-30) || (a - b).abs() < 1e-37;
                assert!(close(got[i], want), "{name}({v}) = {} (want {want})", got[i]);
                // Both gradients are formed from the f32 output (σ(1 - σ), 1 - tanh²), which
                // cancels where the output nears 1: absolute 1e-6 there.
                assert!(
                    close(dgot[i], dwant) || (dgot[i] - dwant).abs() < 1e-6,
                    "{name}'({v}) = {} (want {dwant})",
                    dgot[i]
                );
            }
        }
        // NaN stays NaN (the labs' NaN guard relies on it).
        let nan = crate::tensors::floats(vec![f32::NAN], [1], &device);
        assert!(values(sigmoid(nan.clone()))[0].is_nan() && values(tanh(nan))[0].is_nan());
    }

    /// erfc(a) for a ≥ 3 in f64 by its continued fraction, without cancellation.
    fn erfc_tail(a: f64) -> f64 {
        let mut t = a;
        for k in (1..=80).rev() {
            t = a + k as f64 * 0.5 / t;
        }
        (-a * a).exp() / (core::f64::consts::PI.sqrt() * t)
    }

    /// erf(z) in f64 to ~1e-13: its Taylor series below 3, the continued fraction of erfc
    /// above.
    fn erf64(z: f64) -> f64 {
        let a = z.abs();
        let v = if a < 3.0 {
            let (mut term, mut sum, mut n) = (a, a, 0.0);
            while term.abs() > 1e-17 * sum.abs() {
                n += 1.0;
                term *= -a * a / n;
                sum += term / (2.0 * n + 1.0);
            }
            sum * 2.0 / core::f64::consts::PI.sqrt()
        } else {
            1.0 - erfc_tail(a)
        };
        v.copysign(z)
    }

    /// Φ(x) in f64; the lower tail straight from erfc's continued fraction (no cancellation).
    fn phi64(x: f64) -> f64 {
        let z = x / core::f64::consts::SQRT_2;
        if z < -3.0 { 0.5 * erfc_tail(-z) } else { 0.5 * (1.0 + erf64(z)) }
    }

    #[test]
    fn exp_and_gelu_and_their_gradients_match_the_definitions() {
        use burn::tensor::activation::gelu;
        let device = Device::flex().autodiff();
        let (xs, x) = points(
            &device,
            11,
            5.0,
            (-400..=400).map(|i| i as f32 * 0.03),
            &[88.0, 88.7, 89.0, -87.0, -87.4, -104.0, 300.0, -300.0, 1e-8, -1e-8, 0.0],
        );
        // GELU within 1e-4: in its far lower tail (x < -10, values below 1e-23) Φ's argument z²
        // rounds in f32, 1e-5 relative.
        for (name, tolerance, f, f64_of, df) in [
            (
                "exp",
                1e-5,
                (|t: Tensor<1>| t.exp()) as fn(Tensor<1>) -> Tensor<1>,
                f64::exp as fn(f64) -> f64,
                f64::exp as fn(f64) -> f64,
            ),
            (
                "gelu",
                1e-4,
                gelu::<1>,
                |v: f64| v * phi64(v),
                |v: f64| phi64(v) + v * (-0.5 * v * v).exp() / (2.0 * core::f64::consts::PI).sqrt(),
            ),
        ] {
            let (got, dgot) = value_and_gradient(f, &x);
            for (i, &v) in xs.iter().enumerate() {
                // The reference rounded to f32 (so that overflow is +∞ on both sides).
                let (want, dwant) = (f64_of(v as f64) as f32 as f64, df(v as f64) as f32 as f64);
                let close = |a: f64, b: f64| {
                    a == b || (a - b).abs() <= tolerance * b.abs() || (b.abs() < 1.2e-38 && a.abs() < 1.2e-38)
                };
                assert!(close(got[i], want), "{name}({v}) = {} (want {want})", got[i]);
                // GELU's gradient, Φ + xφ, cancels for negative x (Φ ≈ -xφ): absolute 1e-6 there.
                assert!(
                    close(dgot[i], dwant) || (dgot[i] - dwant).abs() < 1e-6 && v < 0.0,
                    "{name}'({v}) = {} (want {dwant})",
                    dgot[i]
                );
            }
        }
        let nan = crate::tensors::floats(vec![f32::NAN], [1], &device);
        assert!(values(nan.clone().exp())[0].is_nan() && values(gelu(nan))[0].is_nan());
    }

    /// `mask_where` against its definition, `mask ? value : tensor`, on a random mask over an odd
    /// length: in place in `tensor` (when it is used once: the usual path) and in place in
    /// `value` (when `tensor` is still held), in f32 and f64; LeakyReLU and its gradient go
    /// through it.
    #[test]
    fn mask_where_selects_by_the_definition() {
        use burn::tensor::DType;
        let device = Device::flex();
        for dtype in [DType::F32, DType::F64] {
            for (seed, n) in [(1u64, 1027usize), (2, 5), (3, 64)] {
                device.seed(seed);
                let draw = || values(Tensor::<1>::random([n], Distribution::Normal(0.0, 1.0), &device));
                let (tv, vv, mv) = (draw(), draw(), draw());
                // A tensor of its own, not shared with any other.
                let fresh = |xs: &[f64]| {
                    let xs: Vec<f32> = xs.iter().map(|&x| x as f32).collect();
                    crate::tensors::floats(xs, [n], &device).cast(dtype)
                };
                let read = |t: Tensor<1>| values(t.cast(DType::F32));
                let mask = || fresh(&mv).greater_elem(0.0);
                let want: Vec<f64> = (0..n).map(|i| if mv[i] > 0.0 { vv[i] } else { tv[i] }).collect();
                let got = read(fresh(&tv).mask_where(mask(), fresh(&vv)));
                assert_eq!(got, want, "{dtype:?}, n {n}, in place in the tensor");
                let held = fresh(&tv);
                let got = read(held.clone().mask_where(mask(), fresh(&vv)));
                assert_eq!(got, want, "{dtype:?}, n {n}, in place in the value");
                assert_eq!(read(held), tv, "{dtype:?}, n {n}: the held tensor is unchanged");
            }
        }
    }

    /// Element-wise ops with one operand broadcast — a row repeated along the leading
    /// dimensions (a bias), one value per row (a scale) — written in place into either operand or
    /// into a fresh tensor, and ops with a scalar (in place and not, above and below the size at
    /// which they split across threads), against their definitions in f32, to the bit; runs
    /// long enough for the vectorised path and a short one that keeps the generic loop.
    #[test]
    fn broadcast_and_scalar_ops_compute_the_definition() {
        type Op = (&'static str, fn(Tensor<3>, Tensor<3>) -> Tensor<3>, fn(f32, f32) -> f32);
        /// An operand's shape, its values, and the index into them of element (i, j, k).
        type Broadcast<'a> = ([usize; 3], &'a [f32], &'a dyn Fn(usize, usize, usize) -> usize);
        let ops: [Op; 4] = [
            ("add", |x, y| x + y, |x, y| x + y),
            ("sub", |x, y| x - y, |x, y| x - y),
            ("mul", |x, y| x * y, |x, y| x * y),
            ("div", |x, y| x / y, |x, y| x / y),
        ];
        let device = Device::flex();
        device.seed(11);
        let f32s = |t: Tensor<3>| -> Vec<f32> { values(t).into_iter().map(|v| v as f32).collect() };
        for [a, b, c] in [[3usize, 5, 37], [2, 3, 5]] {
            let draw =
                |shape: [usize; 3]| f32s(Tensor::<3>::random(shape, Distribution::Normal(0.0, 1.0), &device));
            let full = draw([a, b, c]);
            let fresh = |xs: &[f32], shape: [usize; 3]| crate::tensors::floats(xs.to_vec(), shape, &device);
            let row = draw([1, 1, c]);
            let col = draw([a, b, 1]);
            let others: [Broadcast; 2] =
                [([1, 1, c], &row, &|_, _, k| k), ([a, b, 1], &col, &move |i, j, _| i * b + j)];
            for (name, op, def) in ops {
                for (shape, ov, at) in &others {
                    let want = |flip: bool| -> Vec<f32> {
                        let mut w = Vec::with_capacity(a * b * c);
                        for i in 0..a {
                            for j in 0..b {
                                for k in 0..c {
                                    let (x, y) = (full[(i * b + j) * c + k], ov[at(i, j, k)]);
                                    w.push(if flip { def(y, x) } else { def(x, y) });
                                }
                            }
                        }
                        w
                    };
                    let case = format!("{name}, [{a}, {b}, {c}] with {shape:?}");
                    let got = f32s(op(fresh(&full, [a, b, c]), fresh(ov, *shape)));
                    assert_eq!(got, want(false), "{case}: into the full operand");
                    let got = f32s(op(fresh(ov, *shape), fresh(&full, [a, b, c])));
                    assert_eq!(got, want(true), "{case}, flipped: into the full operand");
                    let held = fresh(&full, [a, b, c]);
                    let got = f32s(op(held.clone(), fresh(ov, *shape)));
                    assert_eq!(got, want(false), "{case}: into a fresh tensor");
                    let got = f32s(op(fresh(ov, *shape), held.clone()));
                    assert_eq!(got, want(true), "{case}, flipped: into a fresh tensor");
                    assert_eq!(f32s(held), full, "{case}: the held operand is unchanged");
                }
            }
        }
        for n in [37usize, 300_007] {
            let xs = f32s(Tensor::<3>::random([1, 1, n], Distribution::Normal(0.0, 1.0), &device));
            let fresh = || crate::tensors::floats(xs.clone(), [1, 1, n], &device);
            let held = fresh();
            type ScalarOp = (&'static str, fn(Tensor<3>) -> Tensor<3>, fn(f32) -> f32);
            let ops: [ScalarOp; 4] = [
                ("add_scalar", |t| t.add_scalar(0.3), |x| x + 0.3),
                ("sub_scalar", |t| t.sub_scalar(0.3), |x| x - 0.3),
                ("mul_scalar", |t| t.mul_scalar(1.7), |x| x * 1.7),
                ("div_scalar", |t| t.div_scalar(1.7), |x| x / 1.7),
            ];
            for (name, op, def) in ops {
                let want: Vec<f32> = xs.iter().map(|&x| def(x)).collect();
                assert_eq!(f32s(op(fresh())), want, "{name}, {n} elements, in place");
                assert_eq!(f32s(op(held.clone())), want, "{name}, {n} elements, into a fresh tensor");
                let view = held.clone().slice([0..1, 0..1, 1..n]);
                assert_eq!(f32s(op(view)), want[1..], "{name}, {n} elements, of a view at an offset");
            }
            assert_eq!(f32s(held), xs, "{n} elements: the held tensor is unchanged");
        }
    }
}
