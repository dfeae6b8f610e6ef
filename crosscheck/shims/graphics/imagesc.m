function imagesc(varargin)
% imagesc(...): headless stand-in for Octave's imagesc (crosscheck shim, ours): does nothing.
% octave-cli without a graphics toolkit errors in imagesc; the course's files call it.
end
