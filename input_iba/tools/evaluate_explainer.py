"""tools/evaluate_explainer.py: MSE to the target, the target's convergence
curve, faithfulness side by side and pictures of a trained empirical
explainer, on its validation split."""
import json
import os.path as osp

import numpy as np
from mmengine.config import ConfigDict

from input_iba.apis.builders import (
    build_attributor,
    config_adapter,
    prepare_statistics,
    with_adapter,
)
from input_iba.apis.settings import attribution_batch_size
from input_iba.apis.validation import check_keys
from input_iba.empirical_explainer.evaluation import (
    attribute_samples,
    convergence_curve,
    faithfulness,
    group_mean_ci,
    place_on_curve,
    position_prior,
    prior_maps,
    sample_mse,
    sample_spearman,
    set_key,
)
from input_iba.empirical_explainer.targets import EXPLAINER_SECTIONS, load_explainer_data
from input_iba.models.attributors import EmpiricalExplainer
from input_iba.registry import EVALUATORS
from input_iba.utils import save_json, save_text
from input_iba.visualization.empirical_explainer import plot_convergence, save_side_by_side

from .prologue import prepare_run, tool_parser

#: what an evaluation writes into the training's work dir
EVALUATION_OUTPUTS = ('evaluation.json', 'evaluation.md', 'convergence.png', 'side_by_side')
DEFAULTS = dict(curve_samples=32, faithfulness_samples=32, visuals=8,
                convergence=None, faithfulness=None)


def check_settings(cfg):
    """The ``evaluation`` keys this tool reads."""
    check_keys('evaluation', cfg.get('evaluation', {}), DEFAULTS)


def _read_split(work_dir):
    path = osp.join(work_dir, 'split.json')
    if not osp.isfile(path):
        raise FileNotFoundError(f'{path} not found: train the explainer first '
                                '(tools/train_explainer.py CONFIG --work-dir DIR).')
    with open(path) as f:
        split = json.load(f)
    return split['train'], split['val']


def _ci(stats):
    return f"{stats['mean']:.3f} ± {stats['mean'] - stats['ci95'][0]:.3f}"


def _table(summary, label):
    ci = summary['mse']['ci95']
    lines = [f'| quantity | {label} | empirical explainer |', '|---|---:|---:|',
             f"| validation samples (independent sources: the intervals' n) | | "
             f"{summary['val_samples']} ({summary['spearman']['n']}) |",
             f"| MSE to the target (normalised maps) | 0 | {summary['mse']['mean']:.4f} "
             f'[{ci[0]:.4f}, {ci[1]:.4f}] |',
             f"| MSE of an all-zero map | | {summary['zero_predictor_mse']:.4f} |",
             f"| MSE of the mean training map per position | | "
             f"{summary['prior_mse']['mean']:.4f} |",
             f"| Spearman ρ to the target (a constant map: 0) | 1 | {_ci(summary['spearman'])} |",
             f"| Spearman ρ of the mean training map per position | | "
             f"{_ci(summary['prior_spearman'])} |",
             f"| ρ, explainer minus that map (paired) | | {_ci(summary['spearman_minus_prior'])} |"]
    for key, value in summary.get('faithfulness', {}).get('target', {}).items():
        e = summary['faithfulness']['explainer'][key]
        lines.append(f"| {key} | {value['mean']:.4f} ± {value['mean'] - value['ci95'][0]:.4f} "
                     f"| {e['mean']:.4f} ± {e['mean'] - e['ci95'][0]:.4f} |")
    if 'placement' in summary:
        p = summary['placement']
        at = 'closer than every point' if p['equivalent'] is None else f"≈ {p['equivalent']:.2f}"
        lines.append(f"| convergence curve ({p['key']}) | {p['target_value']} "
                     f"| {at} (between {p['bracket']}) |")
    return '\n'.join(lines) + '\n'


def main(description, argv=None):
    """Evaluate the explainer of ``--work-dir`` on its validation split;
    writes ``evaluation.json``, ``evaluation.md``, ``convergence.png`` and
    ``side_by_side/``. Returns the summary."""
    args = tool_parser(description, 'the training work dir (explainer.pth, '
                       'split.json); results go there too').parse_args(argv)
    run = prepare_run(args, required=EXPLAINER_SECTIONS,
                      out_dir=osp.join(args.work_dir, 'evaluation'),
                      checks=('data', 'model', 'attributor', 'explainer', 'attribution',
                              check_settings))
    work_dir = run.work_dir
    cfg, seed = run.cfg, run.seed
    model, dataset, targets, scales, records = load_explainer_data(cfg, run.device)
    settings = dict(DEFAULTS, **cfg.get('evaluation', {}))
    batch_size = attribution_batch_size(cfg, run.device)
    train, val = _read_split(work_dir)
    classes = {i: r['target'] for i, r in records.items()}
    adapter = config_adapter(cfg)
    explainer = EmpiricalExplainer(model, checkpoint=osp.join(work_dir, 'explainer.pth'),
                                   **with_adapter(cfg.explainer, adapter))
    run.commit()
    predicted = attribute_samples(explainer, dataset, val, classes, seed, batch_size)
    mses = sample_mse(predicted, targets)
    prior = prior_maps(position_prior(targets, train), val, targets)
    rho, prior_rho = sample_spearman(predicted, targets), sample_spearman(prior, targets)
    # intervals over independent sources: the crops of one photo are one group
    summary = dict(val_samples=len(val), mse=group_mean_ci(mses, dataset),
                   zero_predictor_mse=float(np.mean([float((targets[i]**2).mean())
                                                     for i in val])),
                   prior_mse=group_mean_ci(sample_mse(prior, targets), dataset),
                   spearman=group_mean_ci(rho, dataset),
                   prior_spearman=group_mean_ci(prior_rho, dataset),
                   spearman_minus_prior=group_mean_ci({i: rho[i] - prior_rho[i] for i in val},
                                                      dataset))
    label = cfg.attributor['type']
    conv = settings['convergence']
    if conv:
        subset = val[:settings['curve_samples']]

        def build(key, value):
            attr_cfg = set_key(cfg.attributor.to_dict(), key, value)
            attributor = build_attributor(ConfigDict(attr_cfg), model, adapter)
            prepare_statistics(cfg, attributor, cfg.targets_dir)
            return attributor

        curve = convergence_curve(build, conv['key'], conv['values'], dataset, subset,
                                  classes, targets, scales, seed, batch_size)
        sub_mse = float(np.mean([mses[i] for i in subset]))
        placement = dict(place_on_curve(sub_mse, curve), key=conv['key'],
                         target_value=conv['target_value'], samples=len(subset),
                         explainer_mse_on_these=sub_mse)
        summary.update(curve=curve, placement=placement)
        plot_convergence(osp.join(work_dir, 'convergence.png'), curve, sub_mse,
                         conv['key'], label)
    if settings['faithfulness']:
        subset = val[:settings['faithfulness_samples']]
        evaluator = EVALUATORS.build(dict(with_adapter(settings['faithfulness'], adapter),
                                          model=model))
        summary['faithfulness'] = dict(
            samples=len(subset),
            target=faithfulness(evaluator, dataset,
                                {i: records[i]['attributions'] for i in subset}, classes),
            explainer=faithfulness(evaluator, dataset, {i: predicted[i] for i in subset},
                                   classes))
    for i in val[:settings['visuals']]:
        item = dataset[i]
        save_side_by_side(osp.join(work_dir, 'side_by_side', item['name']), item,
                          targets[i].numpy(), predicted[i])
    save_json(osp.join(work_dir, 'evaluation.json'), summary)
    save_text(osp.join(work_dir, 'evaluation.md'), _table(summary, label))
    print(_table(summary, label))
    return summary
