import type { DecisionTree } from '@app/model';

/** A node of XGBoost's JSON model dump (Booster.getModelDump(..., "json")). */
export interface XgboostDumpNode {
  nodeid: number;
  leaf?: number;
  split?: string;
  split_condition?: number;
  yes?: number;
  no?: number;
  missing?: number;
  children?: XgboostDumpNode[];
}

/**
 * XGBoost's dumped trees as our DecisionTree: splits on `f<column>` go to `yes` when the value is
 * below the condition (strictly: mode LT), a missing value (NaN: no merchant, say) to `missing`, the
 * default branch XGBoost learned; leaves hold margins.
 */
export function xgboostTrees(dump: XgboostDumpNode[]): DecisionTree[] {
  return dump.map((root) => {
    const byId = new Map<number, XgboostDumpNode>();
    const visit = (n: XgboostDumpNode) => {
      byId.set(n.nodeid, n);
      n.children?.forEach(visit);
    };
    visit(root);
    const ids = [...byId.keys()].sort((a, b) => a - b);
    const index = new Map(ids.map((id, i) => [id, i]));
    return {
      nodes: ids.map((id) => {
        const n = byId.get(id) as XgboostDumpNode;
        if (n.leaf !== undefined) return { leaf: n.leaf };
        return {
          feature: Number((n.split as string).slice(1)),
          threshold: n.split_condition as number,
          left: index.get(n.yes as number) as number,
          right: index.get(n.no as number) as number,
          mode: 'LT' as const,
          missing: n.missing === n.yes ? ('left' as const) : ('right' as const),
        };
      }),
    };
  });
}
