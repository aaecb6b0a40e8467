/** The transfer commands' flags, as commander hands them over. */
export interface TransferFlags {
  category?: string[];
  type?: string[];
  stream?: string[];
  correlationId?: string;
  after?: string;
  from?: string;
  to?: string;
  out?: string;
  gzip?: boolean;
  append?: boolean;
}

