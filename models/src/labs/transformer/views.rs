//! The Transformer lab's pictures: attention maps of every layer and head (encoder
//! self-attention, decoder masked self-attention, cross-attention) over the input the user
//! types, the positional encoding, next-token probabilities, generated text, and the toy
//! tasks' answers with their mistakes marked.

use burn::module::Module;
use burn::tensor::activation::softmax;
use burn::tensor::Tensor;

use super::data::{BOS, Data, EOS, Tokens, english_tokens, pair_batch, source_pieces};
use super::model::{Weights, greedy};
use super::{Task, TransformerLab};
use crate::data::sequences;
use crate::labs::kit::sample::{draw, probabilities};
use crate::labs::kit::charlm::{self, char_label};
use crate::rng::Rng;
use crate::view::{Bars, Heatmap, Mark, Scale, Style, TextPicture, View};
use crate::tensors::{self, Floats};

/// Answers shown beside the user's own input.
const EXAMPLES: usize = 8;

impl TransformerLab {
    /// The source the views are drawn for: the user's prompt if it reads as the task's input,
    /// else the first held-out example; with its right answer where one is known.
    fn source(&self, tokens: &Tokens, test: &[(Vec<u32>, Vec<u32>)]) -> (Vec<u32>, Option<Vec<u32>>) {
        let pieces = source_pieces(self.cfg.task, &self.cfg.prompt);
        let ids = tokens.encode(pieces.iter().map(String::as_str));
        if ids.is_empty() {
            return (test[0].0.clone(), Some(test[0].1.clone()));
        }
        let answer = match self.cfg.task.digits() {
            Some(task) => {
                let s: String = ids.iter().map(|&i| tokens.names[i as usize].as_str()).collect();
                let mut c: Vec<char> = s.chars().collect();
                match task {
                    sequences::DigitTask::Copy => {}
                    sequences::DigitTask::Reverse => c.reverse(),
                    sequences::DigitTask::Sort => c.sort_unstable(),
                }
                Some(c.iter().map(|ch| tokens.index[&ch.to_string()]).collect())
            }
            None => (0..10_000u32)
                .find(|&n| english_tokens(&sequences::english(n)) == pieces)
                .map(|n| sequences::chinese(n).chars().map(|ch| tokens.index[&ch.to_string()]).collect()),
        };
        (ids, answer)
    }

    /// How a task's tokens read: digits and Chinese run together, English words apart.
    fn spell(&self, tokens: &Tokens, ids: &[u32]) -> String {
        let parts: Vec<&str> = ids.iter().map(|&i| tokens.names[i as usize].as_str()).collect();
        if self.cfg.task == Task::Translate && parts.iter().any(|p| p.is_ascii()) {
            parts.join(" ").replace(" - ", "-")
        } else {
            parts.concat()
        }
    }

    /// The prompt as character ids (its last `context` characters), for the text task.
    fn prompt_ids(&self, t: &crate::data::text::CharText) -> (String, Vec<u32>) {
        let prompt = charlm::prompt(&self.cfg.prompt, &self.cfg.corpus, t);
        let mut ids = t.encode(&prompt);
        if ids.is_empty() {
            ids = vec![t.encode("\n").first().copied().unwrap_or(0)];
        }
        let from = ids.len().saturating_sub(self.cfg.context);
        (prompt, ids[from..].to_vec())
    }

    /// Every layer's and head's attention: one row of maps per layer, heads side by side.
    pub(super) fn attention_view(&self) -> View {
        let model = self.model.valid();
        let device = &self.device;
        match &self.data {
            Data::Pairs { tokens, test, .. } => {
                let (source, _) = self.source(tokens, test);
                let answer = greedy(&model, std::slice::from_ref(&source), source.len() + 8, device).remove(0);
                let batch = pair_batch(&[(source.clone(), answer.clone())], device);
                let t = answer.len() + 1;
                let input = batch.input.slice([0..1, 0..t]);
                let (_, seen) = model.forward(Some((batch.source, None)), input);
                let names = |ids: &[u32]| ids.iter().map(|&i| tokens.names[i as usize].clone()).collect::<Vec<_>>();
                let keys = names(&source);
                // The decoder's rows are named by the token each position writes; its
                // self-attention's columns by the tokens it reads (the start, then its own).
                let written: Vec<String> = names(&answer).into_iter().chain(["</s>".to_string()]).collect();
                let read: Vec<String> = std::iter::once("<s>".to_string()).chain(names(&answer)).collect();
                let cross: Vec<&Tensor<4>> = seen.decoder.iter().filter_map(|w| w.cross.as_ref()).collect();
                View::Column(vec![
                    (Some("label.encoder_self"), maps(seen.encoder.iter().map(|w| &w.attn), &keys, &keys)),
                    (Some("label.decoder_self"), maps(seen.decoder.iter().map(|w| &w.attn), &written, &read)),
                    (Some("label.cross"), maps(cross.into_iter(), &written, &keys)),
                ])
            }
            Data::Text(t) => {
                let (_, ids) = self.prompt_ids(t);
                let n = ids.len();
                let labels: Vec<String> = t.decode(&ids).chars().map(char_label).collect();
                let x = tensors::ints(ids.into_iter().map(i64::from).collect::<Vec<_>>(), [1, n], device);
                let (_, seen) = model.forward(None, x);
                View::Column(vec![(Some("label.masked_self"), maps(seen.decoder.iter().map(|w: &Weights| &w.attn), &labels, &labels))])
            }
        }
    }

    /// The positional encoding added to each position's embedding: positions down, the
    /// model's dimensions across.
    pub(super) fn positional_view(&self) -> View {
        let n = match self.cfg.task {
            Task::Text => self.cfg.context.min(128),
            Task::Translate => 16,
            _ => self.cfg.lengths().1 + 1,
        };
        let n = n.min(self.cfg.context.max(super::MIN_POSITIONS));
        let values: Vec<f32> = self.model.valid().position_table(n, &self.device).floats();
        let mut h = Heatmap::diverging(String::new(), n, self.cfg.d_model, values);
        h.row_labels = (0..n).map(|p| p.to_string()).collect();
        h.col_labels = (0..self.cfg.d_model).map(|d| d.to_string()).collect();
        View::HeatmapRows { rows: vec![vec![h]], style: Style::Matrices, picker: None }
    }

    /// The probabilities of the next token: after the prompt (text, at the temperature and
    /// top-k), or where the answer first goes wrong (its first token if it is right).
    pub(super) fn next_token_view(&self) -> View {
        let model = self.model.valid();
        let device = &self.device;
        let (labels, probs, marked): (Vec<String>, Vec<f32>, Option<usize>) = match &self.data {
            Data::Text(t) => {
                let (_, ids) = self.prompt_ids(t);
                let n = ids.len();
                let x = tensors::ints(ids.into_iter().map(i64::from).collect::<Vec<_>>(), [1, n], device);
                let (logits, _) = model.forward(None, x);
                let v = logits.dims()[2];
                let last: Vec<f32> = logits.slice([0..1, n - 1..n]).reshape([v]).floats();
                let p = probabilities(&last, self.cfg.temperature as f32, self.cfg.top_k);
                (t.chars.iter().map(|&c| char_label(c)).collect(), p, None)
            }
            Data::Pairs { tokens, test, .. } => {
                let (source, right) = self.source(tokens, test);
                let answer = greedy(&model, std::slice::from_ref(&source), source.len() + 8, device).remove(0);
                let at = right
                    .as_ref()
                    .and_then(|r| (0..r.len().max(answer.len())).find(|&k| r.get(k) != answer.get(k)))
                    .unwrap_or(0);
                let mut prefix = vec![BOS];
                prefix.extend(&answer[..at.min(answer.len())]);
                let n = prefix.len();
                let batch = pair_batch(&[(source, vec![])], device);
                let input = tensors::ints(prefix.into_iter().map(i64::from).collect::<Vec<_>>(), [1, n], device);
                let (logits, _) = model.forward(Some((batch.source, None)), input);
                let v = logits.dims()[2];
                let p: Vec<f32> = softmax(logits.slice([0..1, n - 1..n]).reshape([1, v]), 1).floats();
                let want = right.map(|r| r.get(at).copied().unwrap_or(EOS) as usize);
                (tokens.names.clone(), p, want)
            }
        };
        // The 20 likeliest, likeliest first (the marked one always among them).
        let mut order: Vec<usize> = (0..probs.len()).collect();
        order.sort_by(|&a, &b| probs[b].total_cmp(&probs[a]));
        order.truncate(20);
        if let Some(m) = marked
            && !order.contains(&m)
        {
            order.pop();
            order.push(m);
        }
        View::Bars {
            image: None,
            bars: Bars {
                labels: order.iter().map(|&i| labels[i].clone()).collect(),
                values: order.iter().map(|&i| probs[i]).collect(),
                max: 1.0,
                marked: marked.and_then(|m| order.iter().position(|&i| i == m)),
            },
        }
    }

    /// Text written after the prompt at the temperature, among the top-k likeliest.
    pub(super) fn generate_view(&self) -> View {
        let Data::Text(t) = &self.data else { unreachable!("the text task") };
        let (prompt, ids) = self.prompt_ids(t);
        let written = self.write(&ids, self.cfg.length);
        View::Text(TextPicture { lines: vec![(Some("label.sample"), vec![(prompt, Mark::Given), (t.decode(&written), Mark::Plain)])] })
    }

    /// `n` tokens drawn after `ids`, the model reading at most its context back.
    pub(super) fn write(&self, ids: &[u32], n: usize) -> Vec<u32> {
        let model = self.model.valid();
        let mut rng = Rng::new(self.cfg.seed ^ self.steps.wrapping_mul(0x9E37_79B9));
        let mut all = ids.to_vec();
        for _ in 0..n {
            let from = all.len().saturating_sub(self.cfg.context);
            let window: Vec<i64> = all[from..].iter().map(|&v| v as i64).collect();
            let len = window.len();
            let x = tensors::ints(window, [1, len], &self.device);
            let (logits, _) = model.forward(None, x);
            let v = logits.dims()[2];
            let mut last: Vec<f32> = logits.slice([0..1, len - 1..len]).reshape([v]).floats();
            charlm::never_unknown(&mut last);
            all.push(draw(&probabilities(&last, self.cfg.temperature as f32, self.cfg.top_k), &mut rng) as u32);
        }
        all.split_off(ids.len())
    }

    /// The user's input (if any) and held-out examples: input, the model's answer with each
    /// wrong token marked, and the right answer where it errs.
    pub(super) fn answers_view(&self) -> View {
        let Data::Pairs { tokens, test, .. } = &self.data else { unreachable!("a sequence task") };
        let mut examples: Vec<(Vec<u32>, Option<Vec<u32>>)> = Vec::new();
        if !self.cfg.prompt.trim().is_empty() {
            examples.push(self.source(tokens, test));
        }
        examples.extend(test.iter().take(EXAMPLES).map(|(s, t)| (s.clone(), Some(t.clone()))));
        let model = self.model.valid();
        let sources: Vec<Vec<u32>> = examples.iter().map(|e| e.0.clone()).collect();
        let longest = sources.iter().map(Vec::len).max().unwrap_or(1) + 8;
        let answers = greedy(&model, &sources, longest, &self.device);
        let mut lines = Vec::new();
        for (k, ((source, right), answer)) in examples.iter().zip(&answers).enumerate() {
            let mut spans = vec![(self.spell(tokens, source), Mark::Given), ("  ➡  ".to_string(), Mark::Plain)];
            let sep = if self.cfg.task == Task::Translate && answer.iter().any(|&i| tokens.names[i as usize].is_ascii()) { " " } else { "" };
            for (j, &a) in answer.iter().enumerate() {
                let ok = right.as_ref().is_none_or(|r| r.get(j) == Some(&a));
                let mark = if right.is_none() { Mark::Plain } else if ok { Mark::Right } else { Mark::Wrong };
                spans.push((format!("{}{sep}", tokens.names[a as usize]), mark));
            }
            if let Some(r) = right {
                for _ in answer.len()..r.len() {
                    spans.push(("_".into(), Mark::Wrong));
                }
                if r != answer {
                    spans.push((format!("   ({})", self.spell(tokens, r)), Mark::Plain));
                }
            }
            lines.push((if k == 0 { Some("label.answers") } else { None }, spans));
        }
        View::Text(TextPicture { lines })
    }
}

/// Attention weights of each layer (`[1, heads, queries, keys]`) as rows of maps.
fn maps<'a>(layers: impl Iterator<Item = &'a Tensor<4>>, queries: &[String], keys: &[String]) -> View {
    let rows = layers
        .enumerate()
        .map(|(l, w)| {
            let [_, heads, q, k] = w.dims();
            let v: Vec<f32> = w.clone().floats();
            (0..heads)
                .map(|h| Heatmap {
                    title: crate::view::Text::Key("label.layer_head", vec![(l + 1).to_string(), (h + 1).to_string()]),
                    rows: q,
                    cols: k,
                    values: v[h * q * k..(h + 1) * q * k].to_vec(),
                    range: (0.0, 1.0),
                    scale: Scale::Sequential,
                    row_labels: queries.to_vec(),
                    col_labels: keys.to_vec(),
                    show_values: false,
                })
                .collect()
        })
        .collect();
    View::HeatmapRows { rows, style: Style::Matrices, picker: None }
}
