/**
 * A Sigma rule's ATT&CK tags (`attack.t1110`, `attack.t1059.004`, `attack.credential_access`) read
 * as techniques and tactics: OCSF's `attacks` and Security Hub's finding types are made from them.
 */

/** ATT&CK's enterprise tactics, by the name Sigma's tags write (the tactic's name, in snake case). */
export const TACTICS: Readonly<Record<string, { uid: string; name: string }>> = {
  reconnaissance: { uid: 'TA0043', name: 'Reconnaissance' },
  resource_development: { uid: 'TA0042', name: 'Resource Development' },
  initial_access: { uid: 'TA0001', name: 'Initial Access' },
  execution: { uid: 'TA0002', name: 'Execution' },
  persistence: { uid: 'TA0003', name: 'Persistence' },
  privilege_escalation: { uid: 'TA0004', name: 'Privilege Escalation' },
  defense_evasion: { uid: 'TA0005', name: 'Defense Evasion' },
  credential_access: { uid: 'TA0006', name: 'Credential Access' },
  discovery: { uid: 'TA0007', name: 'Discovery' },
  lateral_movement: { uid: 'TA0008', name: 'Lateral Movement' },
  collection: { uid: 'TA0009', name: 'Collection' },
  command_and_control: { uid: 'TA0011', name: 'Command and Control' },
  exfiltration: { uid: 'TA0010', name: 'Exfiltration' },
  impact: { uid: 'TA0040', name: 'Impact' },
};

export interface AttackTags {
  /** `T1110`, `T1059.004`: as ATT&CK writes them. */
  techniques: string[];
  tactics: Array<{ uid: string; name: string }>;
}

export function attackTags(tags: readonly string[]): AttackTags {
  const techniques = new Set<string>();
  const tactics = new Map<string, { uid: string; name: string }>();
  for (const tag of tags) {
    const lower = tag.toLowerCase();
    if (!lower.startsWith('attack.')) continue;
    const name = lower.slice('attack.'.length);
    if (/^t\d{4}(\.\d{3})?$/.test(name)) techniques.add(name.toUpperCase());
    else if (Object.hasOwn(TACTICS, name)) tactics.set(name, TACTICS[name] as { uid: string; name: string });
  }
  return { techniques: [...techniques], tactics: [...tactics.values()] };
}
